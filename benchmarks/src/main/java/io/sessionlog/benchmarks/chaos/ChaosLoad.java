package io.sessionlog.benchmarks.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.sessionlog.testsupport.CommittedRecords;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;

/**
 * Clients of a sessionlog under attack by its operator's bad luck: workers post events to many sessions over HTTP,
 * resubmit some already acknowledged ones (duplicates) and soft-delete a few, and retry every request until it is
 * acknowledged, as a careful client does. It remembers what was acknowledged, and then checks the stamped stream:
 * every acknowledged event has exactly one offset (lost and duplicated counts) and every session's offsets are
 * 0..n-1 (gapped count). A stall is the time one request took from its first attempt to its acknowledgement.
 */
public final class ChaosLoad {

    private static final double DUPLICATE_SHARE = 0.05;
    private static final double DELETE_SHARE = 0.01;
    private static final int EXAMPLES = 20;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final int sessions;
    private final int workers;
    private final long seed;
    private final Map<String, Set<String>> acknowledgedBySession = new ConcurrentHashMap<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong duplicatesSent = new AtomicLong();
    private final AtomicLong deletesSent = new AtomicLong();
    private final AtomicLong longestStallNanos = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    /** What the stamped stream holds against what was acknowledged. */
    public record Outcome(long acknowledged, long stamped, List<String> lost, List<String> duplicated, List<String> gapped,
                          long lostCount, long duplicatedCount, long gappedCount, Duration longestStall, long retries,
                          long duplicatesSent, long deletesSent) {
        @Override
        public String toString() {
            return String.format("acknowledged %,d, stamped %,d, lost %d, duplicated %d, gapped %d, longest stall %,d ms, "
                            + "retried requests %,d, duplicates sent %,d, deletes sent %,d", acknowledged, stamped, lostCount,
                    duplicatedCount, gappedCount, longestStall.toMillis(), retries, duplicatesSent, deletesSent);
        }
    }

    public ChaosLoad(final String httpBase, final int sessions, final int workers, final long seed) {
        this.base = httpBase;
        this.sessions = sessions;
        this.workers = workers;
        this.seed = seed;
    }

    public void start() {
        running = true;
        for (int w = 0; w < workers; w++) {
            final int worker = w;
            final Thread thread = new Thread(() -> work(worker), "chaos-client-" + w);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    public void stop() throws InterruptedException {
        running = false;
        for (final Thread thread : threads) {
            thread.join(Duration.ofMinutes(2).toMillis());
        }
        throwIfFailed();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    public Duration longestStall() {
        return Duration.ofNanos(longestStallNanos.get());
    }

    /** Rethrows what stopped a worker (an answer no retry can fix, such as a 400). */
    public void throwIfFailed() {
        final Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("a chaos client failed: " + error, error);
        }
    }

    private void work(final int worker) {
        final Random random = new Random(seed * 31 + worker);
        long n = 0;
        try {
            while (running) {
                final String session = "chaos-" + random.nextInt(sessions);
                final List<String> known = new ArrayList<>(acknowledgedBySession.getOrDefault(session, Set.of()));
                final double dice = random.nextDouble();
                if (!known.isEmpty() && dice < DELETE_SHARE) {
                    final String id = known.get(random.nextInt(known.size()));
                    untilAcknowledged(HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + session + "/events/" + id)).DELETE());
                    deletesSent.incrementAndGet();
                } else if (!known.isEmpty() && dice < DELETE_SHARE + DUPLICATE_SHARE) {
                    post(session, known.get(random.nextInt(known.size())));
                    duplicatesSent.incrementAndGet();
                } else {
                    final String id = "w" + worker + "-" + n++;
                    post(session, id);
                    acknowledgedBySession.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(id);
                    acknowledged.incrementAndGet();
                }
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    private void post(final String session, final String id) throws InterruptedException {
        final String event = "{\"id\":\"" + id + "\",\"correlation_id\":\"RID(" + session + ")::" + id + "\",\"type\":\"message\","
                + "\"source\":\"user\",\"data\":{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"chaos\"}]},"
                + "\"created_at\":\"2025-01-29T09:27:41Z\"}";
        untilAcknowledged(HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + session + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event)));
    }

    /** Sends until 202; 503, 5xx and connection failures are retried after a pause, anything else is a failure. */
    private void untilAcknowledged(final HttpRequest.Builder request) throws InterruptedException {
        final long first = System.nanoTime();
        int attempt = 0;
        while (true) {
            try {
                final HttpResponse<String> answer = client.send(request.timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 202) {
                    longestStallNanos.accumulateAndGet(System.nanoTime() - first, Math::max);
                    return;
                }
                if (answer.statusCode() < 500 && answer.statusCode() != 429) {
                    throw new IllegalStateException("answered " + answer.statusCode() + ": " + answer.body());
                }
            } catch (IOException unreachable) {
                // The server is there; a failed connection is retried like a 503.
            }
            if (attempt++ == 0) {
                retries.incrementAndGet();
            }
            Thread.sleep(100);
        }
    }

    /**
     * Reads the events topic until every acknowledged event is stamped or {@code timeout} passes, then counts what
     * is lost (acknowledged, no offset), duplicated (an id with two offsets, or an offset with two ids) and gapped
     * (a session whose offsets are not 0..n-1).
     */
    public Outcome verify(final String bootstrapServers, final String eventsTopic, final String registryUrl,
                          final Duration timeout) throws InterruptedException {
        final SpecificAvroDeserializer<StampedEvent> values = new SpecificAvroDeserializer<>(StampedEvent.class);
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        final long deadline = System.nanoTime() + timeout.toNanos();
        List<StampedEvent> stamped;
        while (true) {
            stamped = CommittedRecords.values(bootstrapServers, eventsTopic, values);
            final Set<String> seen = ConcurrentHashMap.newKeySet();
            stamped.forEach(e -> seen.add(e.getSessionKey() + "/" + e.getEvent().getEventId()));
            final boolean complete = acknowledgedBySession.entrySet().stream()
                    .allMatch(s -> s.getValue().stream().allMatch(id -> seen.contains(s.getKey() + "/" + id)));
            if (complete || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(1_000);
        }
        final Map<String, TreeMap<Long, String>> offsets = new HashMap<>();
        final Map<String, Long> offsetOfId = new HashMap<>();
        final List<String> duplicated = new ArrayList<>();
        long duplicatedCount = 0;
        for (final StampedEvent event : stamped) {
            final String id = event.getSessionKey() + "/" + event.getEvent().getEventId();
            final String other = offsets.computeIfAbsent(event.getSessionKey(), s -> new TreeMap<>())
                    .putIfAbsent(event.getOffset(), event.getEvent().getEventId());
            final Long earlier = offsetOfId.putIfAbsent(id, event.getOffset());
            // A soft delete re-emits an event with its offset: the same id at the same offset is no duplicate.
            if ((other != null && !other.equals(event.getEvent().getEventId())) || (earlier != null && earlier != event.getOffset())) {
                duplicatedCount++;
                if (duplicated.size() < EXAMPLES) {
                    duplicated.add(id + "@" + event.getOffset());
                }
            }
        }
        final List<String> lost = new ArrayList<>();
        long lostCount = 0;
        long total = 0;
        for (final Map.Entry<String, Set<String>> session : acknowledgedBySession.entrySet()) {
            for (final String id : session.getValue()) {
                total++;
                if (!offsetOfId.containsKey(session.getKey() + "/" + id)) {
                    lostCount++;
                    if (lost.size() < EXAMPLES) {
                        lost.add(session.getKey() + "/" + id);
                    }
                }
            }
        }
        final List<String> gapped = new ArrayList<>();
        long gappedCount = 0;
        for (final Map.Entry<String, TreeMap<Long, String>> session : offsets.entrySet()) {
            final TreeMap<Long, String> byOffset = session.getValue();
            if (byOffset.firstKey() != 0 || byOffset.lastKey() != byOffset.size() - 1) {
                gappedCount++;
                if (gapped.size() < EXAMPLES) {
                    gapped.add(session.getKey() + " " + byOffset.firstKey() + ".." + byOffset.lastKey() + " in " + byOffset.size());
                }
            }
        }
        return new Outcome(total, offsetOfId.size(), lost, duplicated, gapped, lostCount, duplicatedCount, gappedCount,
                longestStall(), retries.get(), duplicatesSent.get(), deletesSent.get());
    }
}
