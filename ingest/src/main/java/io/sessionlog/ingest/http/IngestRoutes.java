package io.sessionlog.ingest.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Json;
import io.sessionlog.http.Problem;
import io.sessionlog.http.Problems;
import io.sessionlog.ingest.IngestConfig;
import io.sessionlog.ingest.format.Flux0EventFormat;
import io.sessionlog.ingest.format.JsonItem;
import io.sessionlog.ingest.format.JsonItems;
import io.sessionlog.ingest.kafka.IntentPublisher;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write routes of contract §2. A request is validated whole first (all-or-nothing: one invalid item refuses it
 * with every problem listed, and nothing is written), then every record is sent, and 202 is answered only once Kafka
 * acknowledged all of them.
 */
public final class IngestRoutes {

    public static final String EVENTS_OF_SESSION = "/v1/sessions/{session_id}/events";
    private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);
    private static final int MAX_SESSION_ID_LENGTH = 256;
    private static final int RETRY_AFTER_SECONDS = 1;

    private final IntentPublisher publisher;
    private final int maxEventBytes;

    public IngestRoutes(final IntentPublisher publisher, final IngestConfig config) {
        this.publisher = publisher;
        this.maxEventBytes = config.getInt(IngestConfig.MAX_EVENT_BYTES);
    }

    public void register(final Javalin app) {
        app.post(EVENTS_OF_SESSION, this::postFlux0Events);
    }

    private void postFlux0Events(final Context ctx) {
        final String sessionId = sessionId(ctx.pathParam("session_id"));
        accept(ctx, (item, errors) -> Flux0EventFormat.read(item, sessionId, errors).map(event -> appended(sessionId, event)));
    }

    /** Reads every item with {@code reader}; refuses the request if any is invalid; else publishes and answers 202. */
    private void accept(final Context ctx, final BiFunction<JsonItem, List<FieldError>, Optional<WriteIntent>> reader) {
        final List<JsonItem> items = JsonItems.split(ctx.bodyAsBytes());
        final List<FieldError> errors = new ArrayList<>();
        final List<WriteIntent> intents = new ArrayList<>(items.size());
        for (final JsonItem item : items) {
            if (item.raw().length > maxEventBytes) {
                throw Problem.tooLarge("item " + item.index() + " has " + item.raw().length + " bytes; the limit is "
                        + maxEventBytes + " bytes per event (" + IngestConfig.MAX_EVENT_BYTES + ")");
            }
            reader.apply(item, errors).ifPresent(intents::add);
        }
        if (!errors.isEmpty()) {
            throw Problem.badRequest(errors.size() + " problem(s) in " + items.size()
                    + " item(s); nothing of this request was written", errors);
        }
        final Instant started = Instant.now();
        ctx.future(() -> publisher.publish(intents).handle((acks, failure) -> {
            if (failure != null) {
                Problems.write(ctx, unavailable(failure));
            } else {
                Json.answer(ctx, 202, accepted(intents));
                LOG.trace("accepted {} record(s) in {}", intents.size(), java.time.Duration.between(started, Instant.now()));
            }
            return null;
        }));
    }

    private static Problem unavailable(final Throwable failure) {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException || cause instanceof RetriableException) {
            LOG.warn("Kafka could not take a request in time: {}", cause.toString());
            return Problem.unavailable("Kafka did not acknowledge the request in time (" + cause.getMessage()
                    + "); nothing is lost by retrying: events are deduplicated by id", RETRY_AFTER_SECONDS);
        }
        LOG.error("writing to Kafka failed", cause);
        return Problem.unavailable("writing to Kafka failed: " + cause.getMessage()
                + "; retry: events are deduplicated by id", RETRY_AFTER_SECONDS);
    }

    private static ObjectNode accepted(final List<WriteIntent> intents) {
        final ObjectNode body = Json.MAPPER.createObjectNode().put("accepted", intents.size());
        final ArrayNode data = body.putArray("data");
        for (final WriteIntent intent : intents) {
            final ObjectNode entry = data.addObject();
            if (intent.getIntent() instanceof EventAppended appended) {
                entry.put("id", appended.getEvent().getEventId());
            }
            entry.put("session_key", intent.getSessionKey());
        }
        return body;
    }

    private static WriteIntent appended(final String sessionKey, final CanonicalEvent event) {
        return WriteIntent.newBuilder().setSessionKey(sessionKey).setIngestedAt(Instant.now())
                .setIntent(EventAppended.newBuilder().setEvent(event).build()).build();
    }

    private static String sessionId(final String sessionId) {
        if (sessionId.isBlank() || sessionId.length() > MAX_SESSION_ID_LENGTH) {
            throw Problem.badRequest("the session id in the path must be 1 to " + MAX_SESSION_ID_LENGTH + " characters",
                    List.of(new FieldError(0, "session_id", "must be 1 to " + MAX_SESSION_ID_LENGTH + " characters")));
        }
        return sessionId;
    }
}
