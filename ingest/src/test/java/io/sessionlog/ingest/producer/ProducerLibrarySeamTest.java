package io.sessionlog.ingest.producer;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The Java producer is a Kafka client library: a JVM upstream that adds the ingest module gets no web server and no
 * HTTP layer of sessionlog. This module's class path is what such an upstream gets, so neither may be on it.
 */
class ProducerLibrarySeamTest {

    @Test
    void theProducerLibraryPullsInNoWebServerAndNoHttpLayer() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.javalin.Javalin"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.eclipse.jetty.server.Server"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.sessionlog.http.Problem"));
    }
}
