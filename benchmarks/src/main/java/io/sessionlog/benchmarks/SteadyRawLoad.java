package io.sessionlog.benchmarks;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Raw events at a steady rate until closed, round-robin over the sessions (so over every partition). */
final class SteadyRawLoad implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;

    /** @param first the number of the first event, after those already written */
    SteadyRawLoad(final String bootstrap, final Map<String, Object> serde, final String topic, final int first,
                  final int sessions, final int rate) {
        thread = new Thread(() -> {
            try (KafkaProducer<String, WriteIntent> producer = RawIntents.producer(bootstrap, serde)) {
                final long start = System.nanoTime();
                for (int i = 0; running.get(); i++) {
                    LockSupport.parkNanos(start + (long) (i * 1e9 / rate) - System.nanoTime());
                    final String session = "s-" + ((first + i) % sessions);
                    producer.send(new ProducerRecord<>(topic, session, RawIntents.appended(session, first + i)));
                    sent.incrementAndGet();
                }
            }
        }, "steady-raw-load");
        thread.start();
    }

    /** Events handed to the producer so far. */
    long sent() {
        return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
