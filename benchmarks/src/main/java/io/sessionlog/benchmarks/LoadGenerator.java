package io.sessionlog.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.util.BytesRequestContent;

/**
 * HTTP load from a fixed number of clients, each sending one request at a time, either as fast as answers come
 * (closed loop) or at a fixed total rate. At a fixed rate, latency counts from when a request was due, not when it
 * went out, so a stalled server is not hidden (no coordinated omission).
 */
final class LoadGenerator {

    record Result(long requests, long failures, double seconds, long p50Micros, long p99Micros, long maxMicros) {
        double perSecond() {
            return requests / seconds;
        }
    }

    private final HttpClient http;
    /** Set to end a run before its duration: each client finishes the request it is in and stops. */
    private volatile boolean halted;

    LoadGenerator(final int clients) throws Exception {
        http = new HttpClient();
        http.setMaxConnectionsPerDestination(clients);
        http.setFollowRedirects(false);
        http.start();
    }

    void halt() {
        halted = true;
    }

    void stop() throws Exception {
        http.stop();
    }

    /**
     * @param body    the body of a client's n-th request
     * @param perSecond total rate over all clients; 0 sends as fast as answers come
     */
    Result run(final URI uri, final int clients, final Duration duration, final double perSecond,
               final IntFunction<byte[]> body) throws InterruptedException {
        final Recorder latencies = new Recorder(3);
        final AtomicLong failures = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final long start = System.nanoTime();
        final long end = start + duration.toNanos();
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            final Thread thread = new Thread(() -> {
                final long interval = perSecond > 0 ? (long) (1e9 * clients / perSecond) : 0;
                long due = start + (interval > 0 ? (long) (interval * ((double) client / clients)) : 0);
                for (int n = 0; !halted && System.nanoTime() < end; n++) {
                    if (interval > 0) {
                        final long wait = due - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    final long sent = interval > 0 ? due : System.nanoTime();
                    try {
                        final ContentResponse response = http.POST(uri).timeout(30, TimeUnit.SECONDS)
                                .body(new BytesRequestContent("application/json", body.apply(client * 1_000_000 + n))).send();
                        if (response.getStatus() / 100 != 2) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    latencies.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
                    done.incrementAndGet();
                    due += interval;
                }
            }, "load-" + c);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads) {
            thread.join();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final var histogram = latencies.getIntervalHistogram();
        return new Result(done.get(), failures.get(), seconds, histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99), histogram.getMaxValue());
    }
}
