package io.sessionlog.processor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.schemas.CorrelationIds;
import io.sessionlog.schemas.PendingDeletes;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.Correlation;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.EventsDeleted;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.privacy.KeyRef;
import io.sessionlog.schemas.avro.SealedContent;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.SessionUpserted;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.keys.SessionEventIdKey;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each write intent of a session in partition order: stamps new events with the next offset, drops
 * duplicates by id (counting them), soft-deletes, merges session upserts and patches, and emits the stamped events
 * and the session view. Per event it reads the session state and the event id once and writes them with the event.
 */
final class SessionStamper implements Processor<String, WriteIntent, String, Object> {

    static final String DEFAULT_CONSUMER = "client";
    /** How long one step of the expiry sweep may remove sessions (its reads are bounded by count). */
    private static final long EXPIRY_STEP_BUDGET_NANOS = 5_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(SessionStamper.class);

    private final WireCodec codec;
    private final RecentSessions recent;
    private final int maxOutputBytes;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> sessions;
    private KeyValueStore<Bytes, byte[]> events;
    private KeyValueStore<Bytes, Correlation> chains;
    private DeletedOffsets deletedOffsets;
    private TailDeletes tailDeletes;
    /** Whether a tail delete may have steps left: set at init (restored state may hold some) and by each long one. */
    /** The punctuation stepping the pending tail deletes; scheduled only while one is pending (see ensureStepping). */
    private Cancellable stepping;
    /** Whether the sessions store's cache emits each view at its flush (see FoldedViews), or each write does. */
    private boolean viewsFolded;

    private final DeletePace deletePace;
    private final ExpiryPace expiryPace;
    /** The sweep for idle sessions; null when expiry is off. */
    private SessionExpiry expiry;

    SessionStamper(final WireCodec codec, final int sessionCacheSize, final int maxOutputBytes, final DeletePace deletePace) {
        this(codec, sessionCacheSize, maxOutputBytes, deletePace, ExpiryPace.OFF);
    }

    SessionStamper(final WireCodec codec, final int sessionCacheSize, final int maxOutputBytes, final DeletePace deletePace,
                   final ExpiryPace expiryPace) {
        this.codec = codec;
        this.maxOutputBytes = maxOutputBytes;
        this.deletePace = deletePace;
        this.expiryPace = expiryPace;
        this.recent = new RecentSessions(sessionCacheSize);
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.sessions = context.getStateStore(ProcessorNames.SESSIONS_STORE);
        this.events = context.getStateStore(ProcessorNames.EVENTS_STORE);
        this.chains = context.getStateStore(ProcessorNames.CHAINS_STORE);
        this.deletedOffsets = new DeletedOffsets(context.getStateStore(ProcessorNames.DELETED_OFFSETS_STORE));
        this.tailDeletes = new TailDeletes(context.getStateStore(ProcessorNames.TAIL_DELETES_STORE), events, deletedOffsets,
                codec, deletePace.stepEvents());
        this.stepping = null;
        if (tailDeletes.anyPending()) {
            ensureStepping(); // walks a failed or moved task left: resumed where its last commit left them
        }
        this.viewsFolded = FoldedViews.forwardOnFlush(sessions, context, ProcessorNames.SESSIONS_SINK);
        this.expiry = null;
        if (expiryPace.enabled()) {
            // Always scheduled while expiry is on; a step that finds nothing idle writes nothing.
            expiry = new SessionExpiry(sessions, codec, expiryPace);
            context.schedule(expiryPace.interval(), PunctuationType.WALL_CLOCK_TIME, this::expireIdle);
        }
        // A task (re)initialized after a rebalance or an aborted transaction restores its stores: forget what they held.
        recent.clear();
    }

    @Override
    public void close() {
        recent.clear();
    }

    @Override
    public void process(final Record<String, WriteIntent> record) {
        final String refusedBefore = refusedOutput();
        if (refusedBefore != null) {
            // Its bytes stay on events.raw at the position the headers give: the broker may have refused them too.
            reject(record.withValue(null), refusedBefore, "processor.produce");
            return;
        }
        final String refused = refusal(record);
        if (refused != null) {
            reject(record, refused);
            return;
        }
        final WriteIntent intent = record.value();
        final String key = record.key();
        try {
            apply(record, key, intent.getIntent(), intent.getIngestedAt());
        } catch (OutputTooLarge e) {
            // Refused before any write; the cached view was changed in place, so it is dropped with the record.
            recent.remove(key);
            reject(record, e.getMessage());
        } catch (RuntimeException e) {
            // The record goes to the exception handler half applied: the cached view may hold changes its store never
            // received, so the session's next record reads the store again.
            recent.remove(key);
            throw e;
        }
    }

    /**
     * Why a record is no write intent of the session it is keyed by, or null. The key is the session: it chose the
     * partition, so a record keyed otherwise than its value's session would be stamped by another task than the
     * session's other records, and a record without a key has no session (and no view a compacted topic takes).
     */
    private String refusal(final Record<String, WriteIntent> record) {
        if (record.value() == null) {
            return "a record without a value (tombstone) is no write intent";
        }
        if (record.key() == null) {
            return "a record without a key: the key is the session, and must equal the value's session_key";
        }
        if (!record.key().equals(record.value().getSessionKey())) {
            return "the key " + quoted(record.key()) + " differs from the value's session_key "
                    + quoted(record.value().getSessionKey()) + ": the key is the session";
        }
        return null;
    }

    /** Why the broker refused an output of this record when it was processed before (see RefusedOutputs), or null. */
    private String refusedOutput() {
        if (RefusedOutputs.none()) {
            return null; // the common case, on every record: no look-up, no allocation
        }
        return context.recordMetadata()
                .flatMap(m -> RefusedOutputs.reasonFor(m.topic(), m.partition(), m.offset()))
                .orElse(null);
    }

    private static String quoted(final String text) {
        return '"' + (text.length() > 100 ? text.substring(0, 100) + "…" : text) + '"';
    }

    private void apply(final Record<String, WriteIntent> record, final String key, final Object body,
                       final Instant ingestedAt) {
        if (body instanceof EventAppended appended) {
            append(record, key, appended.getEvent(), ingestedAt);
        } else if (body instanceof SessionUpserted upserted) {
            upsert(record, key, upserted, ingestedAt);
        } else if (body instanceof SessionPatched patched) {
            patch(record, key, patched);
        } else if (body instanceof EventsDeleted deleted) {
            delete(record, key, deleted);
        } else {
            reject(record, "unknown write intent " + body.getClass().getSimpleName());
        }
    }

    private void append(final Record<String, WriteIntent> record, final String key, final CanonicalEvent event,
                        final Instant ingestedAt) {
        final Bytes idKey = SessionEventIdKey.of(key, event.getEventId());
        final SessionView existing = currentView(key);
        if (existing != null && events.get(idKey) != null) {
            existing.setDuplicateCount(existing.getDuplicateCount() + 1);
            save(record, existing);
            return;
        }
        final SessionView view = existing != null ? existing : newView(key, event.getOrigin(), event.getOccurredAt(), ingestedAt);
        if (view.getConversationId() == null) {
            view.setConversationId(event.getConversationId());
        }
        if (view.getUserId() == null && event.getUserId() != null) {
            // A session created by its events learns its user from them (Syllable user_id, Inkeep userProperties).
            view.setUserId(event.getUserId());
        }
        if (view.getAgentId() == null && event.getAgentId() != null) {
            // Likewise its agent, where the origin names one (flux0 metadata.agent_id).
            view.setAgentId(event.getAgentId());
        }
        final long offset = view.getLastOffset() + 1;
        final Correlation link = link(key, view, event, offset);
        // The stamped event keeps the producer's document (raw): a consumer of events alone reads everything sent.
        final StampedEvent stamped = StampedEvent.newBuilder()
                .setSessionKey(key).setOffset(offset).setEvent(event).setCorrelation(link)
                .setIngestedAt(ingestedAt).setStampedAt(now()).build();
        view.setLastOffset(offset);
        view.setEventCount(view.getEventCount() + 1);
        if (event.getDeleted()) {
            indexDeleted(view, offset, offset);
            view.setDeletedCount(view.getDeletedCount() + 1);
        } else {
            addUnread(view, offset, 1);
        }
        if (view.getLastEventAt() == null || view.getLastEventAt().isBefore(event.getOccurredAt())) {
            view.setLastEventAt(event.getOccurredAt());
        }
        if (event.getKind() == EventKind.STATUS) {
            view.setLastStatus(statusOf(event));
        }
        remember(view, event.getSealed());
        // Every read, computation and encoding is done: the writes come last, so a failure above leaves no partial state.
        final Correlation left = link == null ? null : continueChain(view, link);
        final byte[] wire = fitting(codec.event(stamped), "stamped event");
        // The store keeps the event without its content: dedup, deletes and chains need no more (EventIdentity).
        final byte[] stored = EventIdentity.encoded(stamped, codec::event);
        final byte[] viewWire = encode(view);
        if (left != null && !startsAndEndsAtItsRoot(left)) {
            chains.put(SessionEventIdKey.of(key, left.getRoot()), left);
        }
        events.put(idKey, stored);
        context.forward(record.withValue(wire), ProcessorNames.EVENTS_SINK);
        write(record, view, viewWire);
    }

    /**
     * The chain of the event's correlation root in the session: its first event and this event's position. Events
     * of one request arrive together, so the view carries the current chain and continues it without a store read;
     * the chains store is read only when the root changes, and then keeps the chain being left for a later return.
     */
    private Correlation link(final String key, final SessionView view, final CanonicalEvent event, final long offset) {
        final String correlationId = event.getCorrelationId();
        if (correlationId == null) {
            return null;
        }
        final String root = CorrelationIds.root(correlationId);
        final Correlation current = view.getCurrentChain();
        Correlation previous = current != null && current.getRoot().equals(root)
                ? current : chains.get(SessionEventIdKey.of(key, root));
        if (previous == null && !root.equals(event.getEventId())) {
            previous = loneRootEvent(key, root);
        }
        return Correlation.newBuilder()
                .setRoot(root)
                .setParent(CorrelationIds.parent(correlationId))
                .setChainStartOffset(previous == null ? offset : previous.getChainStartOffset())
                .setChainStartEventId(previous == null ? event.getEventId() : previous.getChainStartEventId())
                .setChainPosition(previous == null ? 0 : previous.getChainPosition() + 1)
                .build();
    }

    /**
     * A chain of one event whose id is its root (every Syllable and Inkeep event, each its own root) is not kept in
     * the chains store when the session moves on: the event itself, kept for deduplication under its id, says all
     * of it. Without this the store would hold an entry for nearly every such event, forever.
     */
    private static boolean startsAndEndsAtItsRoot(final Correlation chain) {
        return chain.getChainPosition() == 0 && chain.getRoot().equals(chain.getChainStartEventId());
    }

    /**
     * A root missing from the chains store (and not the current chain) was either never seen in the session or is a
     * chain of one event whose id is the root ({@link #startsAndEndsAtItsRoot}): that event, if the session has it
     * under the root's id with the root as its own, started the chain and is its only member.
     */
    private Correlation loneRootEvent(final String key, final String root) {
        final byte[] stored = events.get(SessionEventIdKey.of(key, root));
        if (stored == null) {
            return null;
        }
        final StampedEvent start = codec.event(stored);
        final Correlation chain = start.getCorrelation();
        return chain != null && chain.getRoot().equals(root) && startsAndEndsAtItsRoot(chain) ? chain : null;
    }

    /** Makes {@code link} the view's current chain; returns the chain it leaves for another root, to be kept. */
    private static Correlation continueChain(final SessionView view, final Correlation link) {
        final Correlation current = view.getCurrentChain();
        view.setCurrentChain(link);
        return current != null && !current.getRoot().equals(link.getRoot()) ? current : null;
    }

    private void upsert(final Record<String, WriteIntent> record, final String key, final SessionUpserted upserted,
                        final Instant ingestedAt) {
        final SessionView existing = currentView(key);
        final Instant createdAt = upserted.getCreatedAt() != null ? upserted.getCreatedAt() : ingestedAt;
        final SessionView view = existing != null ? existing : newView(key, Origin.FLUX0, createdAt, ingestedAt);
        if (upserted.getAgentId() != null) {
            view.setAgentId(upserted.getAgentId());
        }
        if (upserted.getUserId() != null) {
            view.setUserId(upserted.getUserId());
        }
        if (upserted.getTitle() != null || upserted.getSealedTitle() != null) {
            view.setTitle(upserted.getTitle());
            view.setSealedTitle(upserted.getSealedTitle());
        }
        remember(view, upserted.getSealedTitle());
        remember(view, upserted.getSealedRaw());
        if (upserted.getMode() != null) {
            view.setMode(upserted.getMode());
        }
        if (upserted.getConsumptionOffsets() != null) {
            mergeConsumption(view, upserted.getConsumptionOffsets());
        }
        save(record, view);
    }

    private void patch(final Record<String, WriteIntent> record, final String key, final SessionPatched patched) {
        final SessionView view = currentView(key);
        if (view == null) {
            reject(record, "session " + key + " is unknown: a patch needs an existing session");
            return;
        }
        if (patched.getTitle() != null || patched.getSealedTitle() != null || patched.getClearTitle()) {
            view.setTitle(patched.getTitle());
            view.setSealedTitle(patched.getSealedTitle());
        }
        remember(view, patched.getSealedTitle());
        mergeConsumption(view, patched.getConsumptionOffsets());
        save(record, view);
    }

    private void delete(final Record<String, WriteIntent> record, final String key, final EventsDeleted deleted) {
        final SessionView view = currentView(key);
        if (deleted.getSession()) {
            erase(record, key, view);
            return;
        }
        if (view == null) {
            reject(record, "session " + key + " is unknown: nothing to delete");
            return;
        }
        if (deleted.getEventId() != null) {
            final StampedEvent event = codec.event(events.get(SessionEventIdKey.of(key, deleted.getEventId())));
            if (event == null) {
                reject(record, "event " + deleted.getEventId() + " is unknown in session " + key);
                return;
            }
            deleteOne(view, event, record.timestamp());
        } else if (deleted.getMinOffset() != null) {
            deleteTail(view, Math.max(0, deleted.getMinOffset()), record.timestamp());
        } else {
            reject(record, "a delete needs min_offset or event_id");
            return;
        }
        save(record, view);
    }

    /**
     * A hard delete: every entry of the session leaves every store (a tombstone on each changelog), and a tombstone on
     * {@code events} and on {@code sessions} tells consumers, the projections included, that the session is gone. The
     * session's later events start a new session from offset 0, with nothing of the old one. An unknown session (never
     * seen, or deleted already) has nothing to remove: the delete changes nothing and emits nothing.
     */
    private void erase(final Record<String, WriteIntent> record, final String key, final SessionView view) {
        if (view != null) {
            final int events = erase(key, record.timestamp(), record.headers());
            LOG.info("hard-deleted session {}: {} events removed from the processor's stores", key, events);
        }
    }

    /**
     * Removes the session from every store and emits its tombstones, its keys' included (privacy.encryption: every
     * copy of its content becomes unreadable); returns how many events it had stored.
     */
    private int erase(final String key, final long timestamp, final org.apache.kafka.common.header.Headers headers) {
        final SessionView view = currentView(key);
        if (view != null) {
            for (final String keyId : view.getKeyIds()) {
                context.forward(new Record<String, Object>(new KeyRef(key, keyId).topicKey(), null, timestamp, headers),
                        ProcessorNames.KEYS_SINK);
            }
        }
        final int events = SessionErasure.remove(this.events, key);
        SessionErasure.remove(chains, key);
        deletedOffsets.removeSession(key);
        tailDeletes.forget(key);
        sessions.delete(key);
        recent.remove(key);
        final Record<String, Object> tombstone = new Record<>(key, null, timestamp, headers);
        if (!viewsFolded) {
            context.forward(tombstone, ProcessorNames.SESSIONS_SINK);
        }
        context.forward(tombstone, ProcessorNames.EVENTS_SINK);
        return events;
    }

    /**
     * A step of the expiry sweep: each session idle longer than {@code sessions.ttl.ms} is removed as a hard delete
     * removes it. A later event with its id starts a new session, as after a hard delete.
     */
    private void expireIdle(final long now) {
        final java.util.List<String> candidates = expiry.step(now);
        // A CPU budget, not a clock of the data: removing a session costs more as its stores fill with tombstones,
        // so a step stops after this long and leaves the rest to the next one, and stamping keeps its thread.
        final long deadline = System.nanoTime() + EXPIRY_STEP_BUDGET_NANOS;
        int removed = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (System.nanoTime() > deadline) {
                expiry.carry(candidates.subList(i, candidates.size()));
                break;
            }
            final String key = candidates.get(i);
            if (expiry.idle(currentView(key), now)) {
                erase(key, now, new org.apache.kafka.common.header.internals.RecordHeaders());
                removed++;
            }
        }
        if (removed > 0) {
            LOG.debug("expired {} sessions idle for longer than {}", removed, expiryPace.ttl());
        }
    }

    /**
     * Deletes one event: indexed, counted and re-emitted at once. An event deleted already (stored so, or covered by
     * a tail delete whose walk has not reached it yet) is left as it is.
     */
    private void deleteOne(final SessionView view, final StampedEvent stamped, final long timestamp) {
        if (stamped.getEvent().getDeleted()) {
            return;
        }
        ensureIndexed(view);
        if (deletedOffsets.contains(view.getSessionKey(), stamped.getOffset())) {
            return;
        }
        indexDeleted(view, stamped.getOffset(), stamped.getOffset());
        view.setDeletedCount(view.getDeletedCount() + 1);
        addUnread(view, stamped.getOffset(), -1);
        markDeleted(stamped, timestamp);
    }

    /**
     * Deletes every event from {@code minOffset} on: the view's counts change now, from the index; the events are
     * re-emitted now if the session is short, else in steps between later records (see TailDeletes).
     */
    private void deleteTail(final SessionView view, final long minOffset, final long timestamp) {
        if (minOffset > view.getLastOffset()) {
            return;
        }
        final long newlyDeleted = indexDeleted(view, minOffset, view.getLastOffset());
        view.setDeletedCount(view.getDeletedCount() + newlyDeleted);
        view.getConsumptionOffsets().forEach((consumer, consumed) ->
                view.getUnreadCounts().put(consumer, unreadAfter(view, consumed)));
        tailDeletes.apply(view.getSessionKey(), minOffset, view.getEventCount(), timestamp, this::markDeleted);
        if (tailDeletes.isPending(view.getSessionKey())) {
            // Readers learn the delete from the view now, before the walk re-emits the events it covers.
            view.setPendingDeletes(PendingDeletes.with(view.getPendingDeletes(), minOffset, view.getLastOffset()));
            ensureStepping();
        }
    }

    /** A session's walk re-emitted every event its tail deletes covered: its view no longer needs to say so. */
    private void walkDone(final String session, final long timestamp) {
        final SessionView view = currentView(session);
        if (view != null && !view.getPendingDeletes().isEmpty()) {
            view.setPendingDeletes(new ArrayList<>());
            save(new Record<>(session, null, timestamp), view);
        }
    }

    /**
     * Stores the event deleted and emits its deleted record, with the given record time; the view is counted by the
     * caller. The record names the event without its content (EventIdentity), as the store keeps it: a consumer
     * learns which event was deleted, and its content stays where the event's first record put it.
     */
    private void markDeleted(final StampedEvent stored, final long timestamp) {
        final StampedEvent stamped = EventIdentity.strip(stored);
        stamped.getEvent().setDeleted(true);
        stamped.setStampedAt(now());
        final byte[] wire = codec.event(stamped);
        events.put(SessionEventIdKey.of(stamped.getSessionKey(), stamped.getEvent().getEventId()), wire);
        context.forward(new Record<String, Object>(stamped.getSessionKey(), wire, timestamp), ProcessorNames.EVENTS_SINK);
    }

    /**
     * Schedules the steps of the pending tail deletes, by wall-clock time so that a step runs between records whether
     * or not records arrive, and never inside one. Only while walks are pending: after a punctuation, Kafka Streams
     * leaves the task's record context at the punctuation's (no source topic, offset -1) until the next record, and
     * a production error reported meanwhile could not name the record that caused it (RejectedRecords.Unwritable).
     */
    private void ensureStepping() {
        if (stepping == null) {
            stepping = context.schedule(deletePace.interval(), PunctuationType.WALL_CLOCK_TIME, now -> stepTailDeletes());
        }
    }

    private void stepTailDeletes() {
        if (!tailDeletes.step(this::markDeleted, this::walkDone) && stepping != null) {
            stepping.cancel();
            stepping = null;
        }
    }

    /**
     * Indexes offsets {@code first..last} of the session as deleted; returns how many were not deleted before. A
     * session with deletes from before the index existed is indexed from its stored events first, once.
     */
    private long indexDeleted(final SessionView view, final long first, final long last) {
        final String key = view.getSessionKey();
        final boolean firstDelete = view.getDeletedCount() == 0;
        ensureIndexed(view);
        final long added = deletedOffsets.add(key, first, last);
        if (firstDelete) {
            deletedOffsets.markComplete(key);
        }
        return added;
    }

    /** Makes the session's index of deleted offsets complete if it is not (its deletes are from an earlier version). */
    private void ensureIndexed(final SessionView view) {
        final String key = view.getSessionKey();
        if (!deletedOffsets.isComplete(key, view.getDeletedCount())) {
            final long[] indexed = {0};
            try (KeyValueIterator<Bytes, byte[]> all = events.prefixScan(SessionEventIdKey.prefix(key), Serdes.Bytes().serializer())) {
                all.forEachRemaining(entry -> {
                    final StampedEvent event = codec.event(entry.value);
                    if (event.getEvent().getDeleted()) {
                        indexed[0] += deletedOffsets.add(key, event.getOffset(), event.getOffset());
                    }
                });
            }
            deletedOffsets.markComplete(key);
            LOG.info("indexed the {} deleted events of session {} (deleted before the index of deleted offsets existed)",
                    indexed[0], key);
        }
    }

    /** Last write wins per consumer, in partition order; the unread count of a changed consumer is counted anew. */
    private void mergeConsumption(final SessionView view, final Map<String, Long> offsets) {
        final Map<String, Long> consumption = new HashMap<>(view.getConsumptionOffsets());
        final Map<String, Long> unread = new HashMap<>(view.getUnreadCounts());
        offsets.forEach((consumer, offset) -> {
            consumption.put(consumer, offset);
            unread.put(consumer, unreadAfter(view, offset));
        });
        view.setConsumptionOffsets(consumption);
        view.setUnreadCounts(unread);
    }

    /**
     * The events above a consumer's offset that are not deleted: offsets are gapless, so the events above it less the
     * deleted offsets above it, read from the index of deleted ranges, never from the events.
     */
    private long unreadAfter(final SessionView view, final long consumed) {
        final long lastOffset = view.getLastOffset();
        if (consumed >= lastOffset) {
            return 0;
        }
        final long above = lastOffset - Math.max(consumed, -1L);
        if (view.getDeletedCount() == 0) {
            return above;
        }
        ensureIndexed(view);
        return above - deletedOffsets.countAbove(view.getSessionKey(), consumed);
    }

    /** The processor's time: Kafka Streams' clock for this task, which a test drives. */
    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    /**
     * Unread = visible events above a consumer's offset: an event at {@code offset} adds or removes one. The view is
     * this record's own copy (read from the store, or new), so its map is updated in place, not copied per event.
     */
    private static void addUnread(final SessionView view, final long offset, final int delta) {
        final Map<String, Long> unread = view.getUnreadCounts();
        view.getConsumptionOffsets().forEach((consumer, consumed) -> {
            if (offset > consumed) {
                unread.merge(consumer, (long) delta, Long::sum);
            }
        });
    }

    /** The session's view, this record's to change: the cached one, or read from the store (null if unknown). */
    private SessionView currentView(final String key) {
        final SessionView cached = recent.get(key);
        return cached != null ? cached : codec.view(sessions.get(key));
    }

    private void save(final Record<String, WriteIntent> record, final SessionView view) {
        write(record, view, encode(view));
    }

    private byte[] encode(final SessionView view) {
        view.setUpdatedAt(now());
        return fitting(codec.view(view), "session view");
    }

    private void write(final Record<String, WriteIntent> record, final SessionView view, final byte[] wire) {
        sessions.put(view.getSessionKey(), wire);
        recent.put(view.getSessionKey(), view);
        if (!viewsFolded) {
            context.forward(record.withValue(wire), ProcessorNames.SESSIONS_SINK);
        }
    }

    /** The output, if the broker would take it; else the record is refused before anything of it is written. */
    private byte[] fitting(final byte[] wire, final String what) {
        if (wire.length > maxOutputBytes) {
            throw new OutputTooLarge("its " + what + " would be " + wire.length + " bytes, over "
                    + ProcessorConfig.MAX_OUTPUT_BYTES + " (" + maxOutputBytes + ")");
        }
        return wire;
    }

    /** A write intent whose output would be larger than the output topics take. */
    private static final class OutputTooLarge extends RuntimeException {
        OutputTooLarge(final String message) {
            super(message, null, false, false);
        }
    }

    private void reject(final Record<String, WriteIntent> record, final String reason) {
        reject(record, reason, "processor.apply");
    }

    private void reject(final Record<String, WriteIntent> record, final String reason, final String stage) {
        final var metadata = context.recordMetadata();
        LOG.warn("rejected {} at {}: {}", metadata.map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("a record"), stage, reason);
        context.forward(record.withHeaders(RejectedRecords.headers(record.headers(), reason, stage,
                metadata.map(m -> m.topic()).orElse(""), metadata.map(m -> m.partition()).orElse(-1),
                metadata.map(m -> m.offset()).orElse(-1L))), ProcessorNames.REJECTED_SINK);
    }

    /** A session seen first: created at its first event's time, with Parlant's zeroed {@code client} offset. */
    private static SessionView newView(final String key, final Origin origin, final Instant createdAt, final Instant now) {
        return SessionView.newBuilder()
                .setSessionKey(key).setOrigin(origin).setId(key).setCreatedAt(createdAt)
                .setConsumptionOffsets(new HashMap<>(Map.of(DEFAULT_CONSUMER, 0L)))
                .setUnreadCounts(new HashMap<>(Map.of(DEFAULT_CONSUMER, 0L)))
                .setUpdatedAt(now)
                .build();
    }

    /**
     * Adds the key that sealed {@code sealed} to the session's keys, which its delete or expiry destroys. Ingest seals a
     * session with one key per instance, so the list stays as short as the number of ingest instances.
     */
    private static void remember(final SessionView view, final SealedContent sealed) {
        if (sealed != null && !view.getKeyIds().contains(sealed.getKeyId())) {
            final java.util.List<String> ids = new java.util.ArrayList<>(view.getKeyIds());
            ids.add(sealed.getKeyId());
            view.setKeyIds(ids);
        }
    }

    private static String statusOf(final CanonicalEvent event) {
        try {
            final JsonNode status = JSON.readTree(event.getDataJson()).get("status");
            return status == null ? null : status.asText();
        } catch (Exception e) {
            return null;
        }
    }
}
