package io.sessionlog.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A cluster's listeners each need a port of their own: ports asked for together are never the same. */
class FreePortsTest {

    @Test
    void portsAskedForTogetherAreDistinct() throws Exception {
        for (int round = 0; round < 20; round++) {
            final List<Integer> ports = EmbeddedKafkaCluster.freePorts(8);
            assertEquals(8, new HashSet<>(ports).size(), ports.toString());
        }
    }
}
