package io.sessionlog.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.sessionlog.privacy.KeyRef;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.util.StringRequestContent;

/**
 * How soon a long-poll answers once its event is stamped: a poll waits on a fresh session, one event is written to it,
 * and the time from the stamped record becoming visible on {@code events} (committed, read by a consumer of the
 * session's partition) to the poll's answer is recorded. The projections' own latency, without ingest's or the
 * processor's.
 */
final class LongPollWakeUp {

    private LongPollWakeUp() {
    }

    /** {@code probes} wake-ups on an otherwise quiet instance, in milliseconds. */
    static Histogram measure(final HttpClient client, final String base, final String bootstrap, final String eventsTopic,
                             final int probes) throws Exception {
        final Histogram wakeUps = new Histogram(3);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final int partitions = consumer.partitionsFor(eventsTopic).size();
            for (int i = 0; i < probes; i++) {
                final String session = "wake-up-" + i;
                final TopicPartition partition = new TopicPartition(eventsTopic, KeyRef.partitionOf(session, partitions));
                consumer.assign(List.of(partition));
                consumer.seekToEnd(List.of(partition));
                consumer.position(partition);
                final CompletableFuture<Long> answered = new CompletableFuture<>();
                client.newRequest(base + "/v1/sessions/" + session + "/events?wait_for_data=10").timeout(15, TimeUnit.SECONDS)
                        .send(result -> answered.complete(System.nanoTime()));
                // Whether the poll is waiting before the event is stamped or arrives just after, it answers with it.
                client.POST(base + "/v1/syllable/events").body(new StringRequestContent("application/json",
                        "{\"timestamp\":\"2025-03-07T14:05:00Z\",\"session_id\":\"" + session + "\"}", StandardCharsets.UTF_8)).send();
                long visible = 0;
                final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (visible == 0 && System.nanoTime() < deadline) {
                    if (!consumer.poll(Duration.ofMillis(1)).isEmpty()) {
                        visible = System.nanoTime();
                    }
                }
                final long answer = answered.get(15, TimeUnit.SECONDS);
                wakeUps.recordValue(Math.max(0, (answer - visible) / 1_000_000));
            }
        }
        return wakeUps;
    }
}
