package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ready only when every Streams app of the process is RUNNING (contract §6); live whenever the process answers. */
class HealthRoutesTest {

    private final Map<String, String> states = new LinkedHashMap<>();
    private Javalin app;
    private Http http;

    @BeforeEach
    void start() {
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        HealthRoutes.register(app, () -> Map.copyOf(states));
        app.start("127.0.0.1", 0);
        http = new Http("http://127.0.0.1:" + app.port());
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void readyOnlyWhenEveryStreamsAppRuns() {
        states.put("ingest", "UP");
        states.put("processor", "RUNNING");
        states.put("projections", "REBALANCING");
        final Http.Answer rebalancing = http.get("/health/ready");
        assertEquals(503, rebalancing.status());
        assertEquals("1", rebalancing.retryAfter());
        assertEquals("DOWN", rebalancing.body().get("status").asText());
        assertEquals("REBALANCING", rebalancing.body().get("roles").get("projections").asText());
        assertEquals(200, http.get("/health/live").status(), "live while not ready");

        states.put("projections", "RUNNING");
        final Http.Answer ready = http.get("/health/ready");
        assertEquals(200, ready.status());
        assertEquals("UP", ready.body().get("status").asText());
    }
}
