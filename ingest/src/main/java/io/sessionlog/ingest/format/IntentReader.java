package io.sessionlog.ingest.format;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventsDeleted;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.WriteIntent;

/**
 * Turns input items into canonical write intents, the one path every entry (HTTP routes, bulk loads, the Java
 * producer) takes. All or nothing: one invalid item throws {@link InvalidInputException} listing every problem of
 * every item, and no intent is returned.
 */
public final class IntentReader {

    public static final int MAX_SESSION_KEY_LENGTH = 256;
    public static final int MAX_EVENT_ID_LENGTH = 256;
    /** Parlant's ids grow by one segment per nested request: room for deep chains, not for megabytes. */
    public static final int MAX_CORRELATION_ID_LENGTH = 4096;
    /** Bulk E lines carry their session here, beside the EventDTO fields (the DTO has none). */
    public static final String BULK_SESSION_FIELD = "session_id";

    private final int maxEventBytes;

    public IntentReader(final int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Events of one format. {@code pathSession} is the route's session for format E; without it (bulk loads) each E
     * item names its session in {@code session_id}.
     */
    public List<WriteIntent> events(final InputFormat format, final List<JsonItem> items, final Optional<String> pathSession,
                                    final Instant now) {
        final List<FieldError> errors = new ArrayList<>();
        final List<WriteIntent> intents = new ArrayList<>(items.size());
        for (final JsonItem item : items) {
            checkSize(item);
            if (!UnicodeText.check(item, errors)) {
                continue;
            }
            readEvent(format, item, pathSession, now, errors).map(IntentReader::withCorrelation)
                    .filter(event -> checkIds(event.event(), item.index(), errors))
                    .ifPresent(event -> intents.add(intent(event.sessionKey(), now,
                            EventAppended.newBuilder().setEvent(event.event()).build())));
        }
        return complete(intents, errors, items.size());
    }

    public List<WriteIntent> sessions(final List<JsonItem> items, final Instant now) {
        final List<FieldError> errors = new ArrayList<>();
        final List<WriteIntent> intents = new ArrayList<>(items.size());
        for (final JsonItem item : items) {
            checkSize(item);
            if (!UnicodeText.check(item, errors)) {
                continue;
            }
            SessionFormat.readUpsert(item, errors).ifPresent(upsert -> intents.add(intent(upsert.getId(), now, upsert)));
        }
        return complete(intents, errors, items.size());
    }

    public WriteIntent patch(final String sessionKey, final JsonItem item, final Instant now) {
        final List<FieldError> errors = new ArrayList<>();
        checkSessionKey(sessionKey, errors);
        final Optional<SessionPatched> patch = UnicodeText.check(item, errors) ? SessionFormat.readPatch(item, errors) : Optional.empty();
        return complete(patch.map(p -> List.of(intent(sessionKey, now, p))).orElse(List.of()), errors, 1).get(0);
    }

    public WriteIntent deleteFrom(final String sessionKey, final long minOffset, final Instant now) {
        final List<FieldError> errors = new ArrayList<>();
        checkSessionKey(sessionKey, errors);
        if (minOffset < 0) {
            errors.add(new FieldError(0, "min_offset", "min_offset is >= 0, not " + minOffset));
        }
        return complete(List.of(intent(sessionKey, now, EventsDeleted.newBuilder().setMinOffset(minOffset).build())),
                errors, 1).get(0);
    }

    public WriteIntent deleteEvent(final String sessionKey, final String eventId, final Instant now) {
        final List<FieldError> errors = new ArrayList<>();
        checkSessionKey(sessionKey, errors);
        return complete(List.of(intent(sessionKey, now, EventsDeleted.newBuilder().setEventId(eventId).build())),
                errors, 1).get(0);
    }

    /**
     * A hard delete of the session: its events, its view and every read model of it are removed. It carries
     * {@code min_offset} 0 too, so that a processor of an earlier version (mid rolling upgrade) soft-deletes every event.
     */
    public WriteIntent deleteSession(final String sessionKey, final Instant now) {
        final List<FieldError> errors = new ArrayList<>();
        checkSessionKey(sessionKey, errors);
        return complete(List.of(intent(sessionKey, now, EventsDeleted.newBuilder().setMinOffset(0L).setSession(true).build())),
                errors, 1).get(0);
    }

    private Optional<ReadEvent> readEvent(final InputFormat format, final JsonItem item, final Optional<String> pathSession,
                                          final Instant now, final List<FieldError> errors) {
        return switch (format) {
            case E -> flux0Session(item, pathSession, errors)
                    .flatMap(session -> Flux0EventFormat.read(item, session, errors).map(e -> new ReadEvent(session, e)));
            case Y -> SyllableEventFormat.read(item, errors).filter(e -> checkSessionKey(e.sessionKey(), item.index(), "session_id", errors));
            case K -> InkeepEventFormat.read(item, now, errors)
                    .filter(e -> checkSessionKey(e.sessionKey(), item.index(), InkeepEventFormat.sessionField(e), errors));
        };
    }

    private static Optional<String> flux0Session(final JsonItem item, final Optional<String> pathSession,
                                                 final List<FieldError> errors) {
        if (pathSession.isPresent()) {
            return checkSessionKey(pathSession.get(), errors) ? pathSession : Optional.empty();
        }
        final var session = item.node().isObject() ? item.node().get(BULK_SESSION_FIELD) : null;
        if (session == null || !session.isTextual() || session.asText().isBlank()) {
            errors.add(new FieldError(item.index(), BULK_SESSION_FIELD, "a bulk flux0 EventDTO line needs session_id: "
                    + "the EventDTO itself names no session"));
            Flux0EventFormat.read(item, "unknown", errors);
            return Optional.empty();
        }
        return checkSessionKey(session.asText(), item.index(), BULK_SESSION_FIELD, errors) ? Optional.of(session.asText()) : Optional.empty();
    }

    /**
     * Every event has a correlation id: one whose origin has none (Syllable, Inkeep) is a root of its own, its event
     * id, so that the enriched topic, the correlation index and /v1/correlations all see the same value.
     */
    private static ReadEvent withCorrelation(final ReadEvent read) {
        if (read.event().getCorrelationId() == null) {
            read.event().setCorrelationId(read.event().getEventId());
        }
        return read;
    }

    private static boolean checkIds(final CanonicalEvent event, final int index, final List<FieldError> errors) {
        boolean ok = true;
        if (event.getEventId().length() > MAX_EVENT_ID_LENGTH) {
            errors.add(new FieldError(index, "id", "an event id is at most " + MAX_EVENT_ID_LENGTH + " characters, not "
                    + event.getEventId().length()));
            ok = false;
        }
        if (event.getCorrelationId() != null && event.getCorrelationId().length() > MAX_CORRELATION_ID_LENGTH) {
            errors.add(new FieldError(index, "correlation_id", "a correlation id is at most " + MAX_CORRELATION_ID_LENGTH
                    + " characters, not " + event.getCorrelationId().length()));
            ok = false;
        }
        return ok;
    }

    private void checkSize(final JsonItem item) {
        if (item.raw().length > maxEventBytes) {
            throw new TooLargeException("item " + item.index() + " has " + item.raw().length + " bytes; the limit is "
                    + maxEventBytes + " bytes per event");
        }
    }

    private static boolean checkSessionKey(final String sessionKey, final List<FieldError> errors) {
        return checkSessionKey(sessionKey, 0, "session_id", errors);
    }

    private static boolean checkSessionKey(final String sessionKey, final int index, final String field,
                                           final List<FieldError> errors) {
        if (sessionKey == null || sessionKey.isBlank() || sessionKey.length() > MAX_SESSION_KEY_LENGTH) {
            errors.add(new FieldError(index, field, "a session id is 1 to " + MAX_SESSION_KEY_LENGTH + " characters"));
            return false;
        }
        if (sessionKey.indexOf('\uFFFD') >= 0) {
            // What a path's invalid UTF-8 (%FF, %FE…) decodes to: two different ids would become the same session.
            errors.add(new FieldError(index, field, "holds U+FFFD: a session id is valid UTF-8 (a path's %FF decodes to it)"));
            return false;
        }
        return true;
    }

    private static List<WriteIntent> complete(final List<WriteIntent> intents, final List<FieldError> errors, final int items) {
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors, items);
        }
        return intents;
    }

    private static WriteIntent intent(final String sessionKey, final Instant now, final Object body) {
        return WriteIntent.newBuilder().setSessionKey(sessionKey).setIngestedAt(now).setIntent(body).build();
    }
}
