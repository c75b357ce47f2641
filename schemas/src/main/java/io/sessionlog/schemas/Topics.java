package io.sessionlog.schemas;

import java.util.List;

/**
 * The names of sessionlog's topics, in one place. Every name sits under a configurable prefix (default
 * {@code sessionlog.}); renaming one is a breaking change for every consumer.
 */
public final class Topics {

    /** Every write intent, keyed by session key (contract §3). */
    public static final String RAW = "events.raw";
    /** Stamped, enriched events, keyed by session key. */
    public static final String EVENTS = "events";
    /** Session views, compacted, keyed by session key. */
    public static final String SESSIONS = "sessions";
    /** Records that could not be accepted, with their original bytes and reason headers. */
    public static final String REJECTED = "rejected";
    /**
     * The session keys that seal content (privacy.encryption), compacted, keyed by {@code session_key/key_id} and
     * partitioned by session key; a tombstone destroys a key (docs/privacy.md). Empty without encryption.
     */
    public static final String KEYS = "keys";

    public static final String DEFAULT_PREFIX = "sessionlog.";

    private final String prefix;

    public Topics(final String prefix) {
        this.prefix = prefix;
    }

    /** The prefix every topic name starts with ({@code topic.prefix}). */
    public String prefix() {
        return prefix;
    }

    public String raw() {
        return prefix + RAW;
    }

    public String events() {
        return prefix + EVENTS;
    }

    public String sessions() {
        return prefix + SESSIONS;
    }

    public String rejected() {
        return prefix + REJECTED;
    }

    public String keys() {
        return prefix + KEYS;
    }

    public List<String> all() {
        return List.of(raw(), events(), sessions(), rejected(), keys());
    }

    /** Confluent's TopicNameStrategy. */
    public static String subject(final String topic, final boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
