package io.sessionlog.projections.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class Flux0ViewTest {

    @Test
    void syllableSourcesMapIntoFlux0sEnum() {
        assertEquals("user", Flux0View.syllableSource("user"));
        assertEquals("ai_agent", Flux0View.syllableSource("tool-call"));
        assertEquals("ai_agent", Flux0View.syllableSource("agent"));
        assertEquals("ai_agent", Flux0View.syllableSource("LLM"));
        assertEquals("system", Flux0View.syllableSource("system"));
        assertEquals("system", Flux0View.syllableSource("prompt"));
        assertEquals("system", Flux0View.syllableSource(null));
    }
}
