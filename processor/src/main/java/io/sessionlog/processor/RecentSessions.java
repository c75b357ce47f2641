package io.sessionlog.processor;

import java.util.LinkedHashMap;
import java.util.Map;

import io.sessionlog.schemas.avro.SessionView;

/**
 * The decoded views of a task's most recently used sessions, each exactly as last written to the session store. Agent
 * sessions are bursty (a message, its status events, tool calls), so most events find their session here and skip a
 * RocksDB read and an Avro decode. Not thread-safe: a stamper, and so this, belongs to one task.
 */
final class RecentSessions {

    private final int capacity;
    private final LinkedHashMap<String, SessionView> views;

    RecentSessions(final int capacity) {
        this.capacity = capacity;
        this.views = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, SessionView> eldest) {
                return size() > RecentSessions.this.capacity;
            }
        };
    }

    SessionView get(final String key) {
        return views.get(key);
    }

    void put(final String key, final SessionView view) {
        if (capacity > 0) {
            views.put(key, view);
        }
    }

    void remove(final String key) {
        views.remove(key);
    }

    void clear() {
        views.clear();
    }
}
