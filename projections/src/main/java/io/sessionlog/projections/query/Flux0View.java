package io.sessionlog.projections.query;

import java.util.List;
import java.util.Locale;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.Origin;

/**
 * How an event of any origin shows as a flux0 {@code EventDTO}: the one place for the type and source a reader
 * sees, so that the answers and the filters ({@code ?types=}, {@code ?source=}) agree.
 *
 * <ul>
 *   <li>flux0 events show their own type and source;</li>
 *   <li>Syllable and Inkeep events are {@code custom} events (their own type stays in {@code data});</li>
 *   <li>a Syllable source maps into flux0's enum: {@code user} → {@code user}; a source naming an agent, a tool, an
 *       assistant, a bot or an LLM → {@code ai_agent}; anything else, or none → {@code system};</li>
 *   <li>an Inkeep event is the widget reporting what its user did: {@code user}.</li>
 * </ul>
 */
public final class Flux0View {

    /** SessionDTO requires agent_id and user_id: a session that never learned one shows, and is found by, this. */
    public static final String UNKNOWN_OWNER = "unknown";
    public static final List<String> TYPES = List.of("message", "tool", "status", "custom");
    public static final List<String> SOURCES = List.of("user", "ai_agent", "system");
    private static final List<String> AGENT_WORDS = List.of("agent", "tool", "assistant", "bot", "llm");

    private Flux0View() {
    }

    public static String type(final CanonicalEvent event) {
        return event.getOrigin() == Origin.FLUX0 && event.getType() != null ? event.getType() : "custom";
    }

    public static String source(final CanonicalEvent event) {
        return switch (event.getOrigin()) {
            case FLUX0 -> event.getSource() != null ? event.getSource() : "system";
            case INKEEP -> "user";
            default -> syllableSource(event.getSource());
        };
    }

    /** The agent or user id a session shows: its own, or {@link #UNKNOWN_OWNER}. */
    public static String owner(final String id) {
        return id != null ? id : UNKNOWN_OWNER;
    }

    /** The event's correlation id; one that came without (ingested before ids were derived) is a root of its own. */
    public static String correlationId(final CanonicalEvent event) {
        return event.getCorrelationId() != null ? event.getCorrelationId() : event.getEventId();
    }

    static String syllableSource(final String source) {
        if (source == null) {
            return "system";
        }
        final String lower = source.toLowerCase(Locale.ROOT);
        if (lower.equals("user")) {
            return "user";
        }
        return AGENT_WORDS.stream().anyMatch(lower::contains) ? "ai_agent" : "system";
    }
}
