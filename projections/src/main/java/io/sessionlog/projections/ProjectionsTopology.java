package io.sessionlog.projections;

import java.util.Map;

import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.keys.SessionEventIdKey;
import io.sessionlog.schemas.keys.SessionOffsetKey;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The read models: {@code events} → events by (session, offset) and offsets by (session, event id);
 * {@code sessions} → session views. Both topics are keyed by session key, so one task holds a session's events and
 * its view. A pure function of its arguments, no I/O. Stores are uncached: a query sees a write at once.
 */
public final class ProjectionsTopology {

    private ProjectionsTopology() {
    }

    /** @param updates told of every event applied, to wake the readers waiting on its session */
    public static Topology build(final Topics topics, final Map<String, Object> serdeConfig, final SessionUpdates updates) {
        final SpecificAvroSerde<StampedEvent> stamped = SpecificAvroSerde.forValues(StampedEvent.class, serdeConfig);
        final SpecificAvroSerde<SessionView> views = SpecificAvroSerde.forValues(SessionView.class, serdeConfig);

        final Topology topology = new Topology();
        topology.addSource(ProjectionNames.EVENTS_SOURCE, Serdes.String().deserializer(), stamped.deserializer(), topics.events());
        topology.addSource(ProjectionNames.SESSIONS_SOURCE, Serdes.String().deserializer(), views.deserializer(), topics.sessions());
        topology.addProcessor(ProjectionNames.EVENT_PROJECTOR, () -> new EventProjector(updates), ProjectionNames.EVENTS_SOURCE);
        topology.addProcessor(ProjectionNames.SESSION_PROJECTOR, SessionProjector::new, ProjectionNames.SESSIONS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.EVENTS_STORE), Serdes.Bytes(), stamped)
                .withCachingDisabled(), ProjectionNames.EVENT_PROJECTOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.EVENT_IDS_STORE), Serdes.Bytes(), Serdes.Long())
                .withCachingDisabled(), ProjectionNames.EVENT_PROJECTOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.SESSIONS_STORE), Serdes.String(), views)
                .withCachingDisabled(), ProjectionNames.SESSION_PROJECTOR);
        return topology;
    }

    /** Stores each stamped event under (session, offset); a re-emitted (deleted) event overwrites its earlier self. */
    private static final class EventProjector implements Processor<String, StampedEvent, Void, Void> {
        private final SessionUpdates updates;
        private KeyValueStore<Bytes, StampedEvent> events;
        private KeyValueStore<Bytes, Long> ids;

        EventProjector(final SessionUpdates updates) {
            this.updates = updates;
        }

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            events = context.getStateStore(ProjectionNames.EVENTS_STORE);
            ids = context.getStateStore(ProjectionNames.EVENT_IDS_STORE);
        }

        @Override
        public void process(final Record<String, StampedEvent> record) {
            final StampedEvent event = record.value();
            if (event == null) {
                return;
            }
            events.put(SessionOffsetKey.of(event.getSessionKey(), event.getOffset()), event);
            ids.put(SessionEventIdKey.of(event.getSessionKey(), event.getEvent().getEventId()), event.getOffset());
            updates.applied(event.getSessionKey());
        }
    }

    /** Keeps the latest view of each session. */
    private static final class SessionProjector implements Processor<String, SessionView, Void, Void> {
        private KeyValueStore<String, SessionView> sessions;

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            sessions = context.getStateStore(ProjectionNames.SESSIONS_STORE);
        }

        @Override
        public void process(final Record<String, SessionView> record) {
            if (record.value() == null) {
                sessions.delete(record.key());
            } else {
                sessions.put(record.key(), record.value());
            }
        }
    }
}
