package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The processor's settings reach Kafka Streams as the documentation says, and a wrong one names its key. */
class ProcessorConfigTest {

    @Test
    void standbyCopiesAreOffUnlessAskedFor() {
        assertEquals(0, new ProcessorConfig(Map.of()).streamsProperties().get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
        assertEquals(1, new ProcessorConfig(Map.of(ProcessorConfig.STANDBY_REPLICAS, "1")).streamsProperties()
                .get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
    }

    @Test
    void aNegativeStandbyCountIsRefusedNamingTheKey() {
        final ConfigException refused = assertThrows(ConfigException.class,
                () -> new ProcessorConfig(Map.of(ProcessorConfig.STANDBY_REPLICAS, "-1")));
        assertTrue(refused.getMessage().contains(ProcessorConfig.STANDBY_REPLICAS), refused.getMessage());
    }

    @Test
    void theViewCacheIsKafkaStreamsRecordCache() {
        assertEquals(16L * 1024 * 1024, new ProcessorConfig(Map.of()).streamsProperties()
                .get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
        assertEquals(0L, new ProcessorConfig(Map.of(ProcessorConfig.VIEW_CACHE_BYTES, "0")).streamsProperties()
                .get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
        final ConfigException refused = assertThrows(ConfigException.class,
                () -> new ProcessorConfig(Map.of(ProcessorConfig.VIEW_CACHE_BYTES, "-1")));
        assertTrue(refused.getMessage().contains(ProcessorConfig.VIEW_CACHE_BYTES), refused.getMessage());
    }

    @Test
    void aThreadWaitsForInputBrieflySoThatItsCommitIsNotHeldUpUnlessKafkaPollMsIsGiven() {
        assertEquals(10L, new ProcessorConfig(Map.of()).streamsProperties().get(StreamsConfig.POLL_MS_CONFIG));
        assertEquals("100", new ProcessorConfig(Map.of("kafka.poll.ms", "100")).streamsProperties().get(StreamsConfig.POLL_MS_CONFIG));
    }

    @Test
    void theTailDeletePaceIsTypedAndAWrongOneNamesItsKey() {
        assertEquals(new DeletePace(500, java.time.Duration.ofMillis(100)), new ProcessorConfig(Map.of()).deletePace());
        final ConfigException refused = assertThrows(ConfigException.class,
                () -> new ProcessorConfig(Map.of(ProcessorConfig.DELETE_STEP_INTERVAL_MS, "0")));
        assertTrue(refused.getMessage().contains(ProcessorConfig.DELETE_STEP_INTERVAL_MS), refused.getMessage());
    }
}
