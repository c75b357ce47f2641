package io.sessionlog.ingest.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Json;
import io.sessionlog.http.OriginShapes;
import io.sessionlog.http.Paths;
import io.sessionlog.http.Problem;
import io.sessionlog.http.Problems;
import io.sessionlog.http.Scope;
import io.sessionlog.ingest.IngestConfig;
import io.sessionlog.ingest.format.InputFormat;
import io.sessionlog.ingest.format.IntentReader;
import io.sessionlog.ingest.format.InvalidInputException;
import io.sessionlog.ingest.format.JsonItem;
import io.sessionlog.ingest.format.JsonItems;
import io.sessionlog.ingest.format.TooLargeException;
import io.sessionlog.ingest.kafka.IntentPublisher;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.SessionUpserted;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write routes of contract §2. A request is read whole first (all or nothing: one invalid item refuses it with
 * every problem listed, and nothing is written), then every record is sent, and the answer comes only once Kafka
 * acknowledged all of them: {@code 202}, or for the Inkeep route {@code 200} with the stored events as Inkeep answers.
 */
public final class IngestRoutes {


    private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);

    private final IntentPublisher publisher;
    private final IntentReader reader;

    public IngestRoutes(final IntentPublisher publisher, final IngestConfig config) {
        this.publisher = publisher;
        this.reader = new IntentReader(config.getInt(IngestConfig.MAX_EVENT_BYTES));
    }

    public void register(final Javalin app) {
        app.post(Paths.SESSION_EVENTS, ctx -> accepted(ctx, reader.events(InputFormat.E, JsonItems.split(ctx.bodyAsBytes()),
                Optional.of(ctx.pathParam("session_id")), Instant.now())), Scope.WRITE);
        app.post(Paths.SYLLABLE_EVENTS, ctx -> accepted(ctx, reader.events(InputFormat.Y, JsonItems.split(ctx.bodyAsBytes()),
                Optional.empty(), Instant.now())), Scope.WRITE);
        app.post(Paths.INKEEP_EVENTS, this::postInkeep, Scope.WRITE);
        app.post(Paths.SESSIONS, ctx -> accepted(ctx, reader.sessions(JsonItems.split(ctx.bodyAsBytes()), Instant.now())), Scope.WRITE);
        app.patch(Paths.SESSION, ctx -> accepted(ctx, List.of(reader.patch(ctx.pathParam("session_id"),
                single(ctx.bodyAsBytes()), Instant.now()))), Scope.WRITE);
        app.delete(Paths.SESSION_EVENTS, ctx -> accepted(ctx, List.of(reader.deleteFrom(ctx.pathParam("session_id"),
                minOffset(ctx), Instant.now()))), Scope.WRITE);
        app.delete(Paths.SESSION_EVENT, ctx -> accepted(ctx, List.of(reader.deleteEvent(ctx.pathParam("session_id"),
                ctx.pathParam("event_id"), Instant.now()))), Scope.WRITE);
        // Hard deletes: 204 as Parlant answers DELETE /sessions/{id}; Inkeep's SDK deletes a conversation through its own call.
        app.delete(Paths.SESSION, ctx -> deleteSession(ctx, ctx.pathParam("session_id"), null), Scope.WRITE);
        app.delete(Paths.INKEEP_CONVERSATION, ctx -> deleteSession(ctx, ctx.pathParam("conversation_id"),
                Json.MAPPER.createObjectNode().put("success", true).put("message", "Conversation deleted")), Scope.WRITE);
        app.post(Paths.BULK, this::postBulk, Scope.ADMIN, Scope.WRITE);
        app.exception(InvalidInputException.class, (e, ctx) -> Problems.write(ctx, Problem.badRequest(e.getMessage(),
                e.errors().stream().map(error -> new FieldError(error.index(), error.field(), error.reason())).toList())));
        app.exception(TooLargeException.class, (e, ctx) -> Problems.write(ctx, Problem.tooLarge(e.getMessage()
                + " (" + IngestConfig.MAX_EVENT_BYTES + ")")));
    }

    /**
     * Writes the hard delete of a session; answers once Kafka acknowledged it: {@code 204}, or {@code 200} with
     * {@code inkeepBody} as Inkeep's API answers. The delete takes effect when the processor reaches it, in order with
     * the session's other intents; deleting an unknown or deleted session changes nothing.
     */
    private void deleteSession(final Context ctx, final String session, final ObjectNode inkeepBody) {
        send(ctx, deleteSession(session), () -> {
            if (inkeepBody != null) {
                Json.answer(ctx, 200, inkeepBody);
            } else {
                ctx.status(204);
            }
        });
    }

    /**
     * Writes the hard delete of {@code session} (refused with 400 if the key is invalid); the future completes once
     * Kafka acknowledged it. Also what the owner deletes of the read routes call, one session at a time.
     */
    public CompletableFuture<?> deleteSession(final String session) {
        return publisher.publish(List.of(reader.deleteSession(session, Instant.now())));
    }

    private void postInkeep(final Context ctx) {
        final byte[] body = ctx.bodyAsBytes();
        final List<WriteIntent> intents = reader.events(InputFormat.K, JsonItems.split(body), Optional.empty(), Instant.now());
        final boolean array = startsWithArray(body);
        publish(ctx, intents, () -> {
            if (!array) {
                return OriginShapes.selectEvent(eventOf(intents.get(0)), false);
            }
            final ArrayNode events = Json.MAPPER.createArrayNode();
            intents.forEach(i -> events.add(OriginShapes.selectEvent(eventOf(i), false)));
            return events;
        }, 200);
    }

    private void postBulk(final Context ctx) {
        final InputFormat format = InputFormat.parse(ctx.queryParam("format")).orElseThrow(() -> Problem.badRequest(
                "format must be E, Y or K", List.of(new FieldError(0, "format", "must be E, Y or K, not " + ctx.queryParam("format")))));
        final List<io.sessionlog.ingest.format.FieldError> lineErrors = new ArrayList<>();
        final List<JsonItem> items = JsonItems.splitLines(ctx.bodyAsBytes(), lineErrors);
        List<WriteIntent> intents = List.of();
        try {
            intents = reader.events(format, items, Optional.empty(), Instant.now());
        } catch (InvalidInputException e) {
            lineErrors.addAll(e.errors());
        }
        if (!lineErrors.isEmpty()) {
            lineErrors.sort(java.util.Comparator.comparingInt(io.sessionlog.ingest.format.FieldError::index));
            throw new InvalidInputException(lineErrors, items.size());
        }
        final int count = intents.size();
        publish(ctx, intents, () -> Json.MAPPER.createObjectNode().put("accepted", count), 202);
    }

    private void accepted(final Context ctx, final List<WriteIntent> intents) {
        publish(ctx, intents, () -> acceptedBody(intents), 202);
    }

    /** Sends the intents; answers {@code status} with the body once all are acknowledged, else 503 with Retry-After. */
    private void publish(final Context ctx, final List<WriteIntent> intents, final java.util.function.Supplier<JsonNode> body,
                         final int status) {
        send(ctx, intents, () -> Json.answer(ctx, status, body.get()));
    }

    /** Sends the intents; runs {@code answer} once all are acknowledged, else answers 503 with Retry-After. */
    private void send(final Context ctx, final List<WriteIntent> intents, final Runnable answer) {
        // Outside the future: an intent that cannot be encoded is refused (400) before anything is sent.
        send(ctx, publisher.publish(intents), answer);
    }

    private void send(final Context ctx, final CompletableFuture<?> sent, final Runnable answer) {
        ctx.future(() -> sent.handle((acks, failure) -> {
            if (failure != null) {
                Problems.write(ctx, unavailable(failure));
            } else {
                answer.run();
            }
            return null;
        }));
    }

    private static Problem unavailable(final Throwable failure) {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException || cause instanceof RetriableException) {
            LOG.warn("Kafka could not take a request in time: {}", cause.toString());
        } else {
            LOG.error("writing to Kafka failed", cause);
        }
        return Problem.unavailable("Kafka did not acknowledge the request (" + cause.getMessage()
                + "); retrying is safe: events are deduplicated by id");
    }

    private static ObjectNode acceptedBody(final List<WriteIntent> intents) {
        final ObjectNode body = Json.MAPPER.createObjectNode().put("accepted", intents.size());
        final ArrayNode data = body.putArray("data");
        for (final WriteIntent intent : intents) {
            final ObjectNode entry = data.addObject();
            if (intent.getIntent() instanceof EventAppended appended) {
                entry.put("id", appended.getEvent().getEventId());
            } else if (intent.getIntent() instanceof SessionUpserted upserted) {
                entry.put("id", upserted.getId());
            }
            entry.put("session_key", intent.getSessionKey());
        }
        return body;
    }

    private static CanonicalEvent eventOf(final WriteIntent intent) {
        return ((EventAppended) intent.getIntent()).getEvent();
    }

    private static JsonItem single(final byte[] body) {
        final List<JsonItem> items = JsonItems.split(body);
        if (items.size() != 1 || startsWithArray(body)) {
            throw Problem.badRequest("send one JSON object", List.of(new FieldError(0, "body", "must be one JSON object")));
        }
        return items.get(0);
    }

    private static long minOffset(final Context ctx) {
        final String text = ctx.queryParam("min_offset");
        if (text == null || text.isBlank()) {
            throw Problem.badRequest("min_offset is required", List.of(new FieldError(0, "min_offset",
                    "is required: DELETE …/events?min_offset=N deletes every event from offset N on")));
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw Problem.badRequest("min_offset is not an integer", List.of(new FieldError(0, "min_offset",
                    "must be an integer >= 0, not " + text)));
        }
    }

    private static boolean startsWithArray(final byte[] body) {
        for (final byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '[';
            }
        }
        return false;
    }
}
