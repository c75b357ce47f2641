package io.sessionlog.privacy;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session keys of one process, read from the keys topic into memory and kept up to date by a thread that follows
 * it (as a schema registry follows its schemas topic). A tombstone there destroys a key: it leaves this map, and content
 * sealed with it can no longer be opened here or anywhere. Ingest creates keys ({@link #sealingKeys}); the read side
 * and consumers only look them up ({@link #find}). Thread-safe.
 */
public final class SessionKeys implements KeyRing, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionKeys.class);
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(5);

    private final String topic;
    private final MasterKeys master;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    /** Every live key, by session, then key id. */
    private final Map<String, Map<String, SecretKey>> keys = new ConcurrentHashMap<>();
    /** The key this process seals each session's content with, once chosen or created. */
    private final Map<String, CompletableFuture<SessionKey>> sealing = new ConcurrentHashMap<>();
    private final Thread follower;
    private final Object progress = new Object();
    private long roundsStarted;
    private long roundsCaughtUp = -1;
    /** When the last round that read the topic to its end began (epoch millis): every key written before is known. */
    private volatile long caughtUpSince = Long.MIN_VALUE;
    /**
     * How long after a record's ingest time its key may have been written (the key's acknowledgement, up to the delivery
     * timeout) plus how far two processes' clocks may be apart.
     */
    private static final long KEY_WRITTEN_WITHIN_MS = 60_000;
    private volatile boolean closed;
    private volatile int partitions;

    private SessionKeys(final Map<String, Object> clientConfig, final String topic, final MasterKeys master, final boolean writes) {
        this.topic = topic;
        this.master = master;
        final Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
        if (writes) {
            final Map<String, Object> producerConfig = new HashMap<>(clientConfig);
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 1);
            this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
        } else {
            this.producer = null;
        }
        this.follower = new Thread(this::follow, "sessionlog-keys-" + topic);
        this.follower.setDaemon(true);
    }

    /** Keys for a role that seals (ingest): it creates a session's key on the session's first write here. */
    public static SessionKeys forSealing(final Map<String, Object> clientConfig, final String topic, final MasterKeys master) {
        return start(new SessionKeys(clientConfig, topic, master, true));
    }

    /** Keys for a reader (the read routes, a consumer's deserializer): it only looks keys up. */
    public static SessionKeys forReading(final Map<String, Object> clientConfig, final String topic, final MasterKeys master) {
        return start(new SessionKeys(clientConfig, topic, master, false));
    }

    private static SessionKeys start(final SessionKeys keys) {
        final List<PartitionInfo> infos = keys.consumer.partitionsFor(keys.topic, Duration.ofSeconds(60));
        if (infos == null || infos.isEmpty()) {
            keys.consumer.close();
            if (keys.producer != null) {
                keys.producer.close();
            }
            throw new IllegalStateException("the keys topic " + keys.topic + " does not exist: start the app once to create it");
        }
        final List<TopicPartition> assigned = infos.stream().map(i -> new TopicPartition(keys.topic, i.partition())).toList();
        keys.partitions = assigned.size();
        keys.consumer.assign(assigned);
        keys.consumer.seekToBeginning(assigned);
        keys.follower.start();
        return keys;
    }

    /**
     * The key each session's content is sealed with here, one per distinct session: a key of the session already on
     * the topic, or a new one, written to the topic (acknowledged by every in-sync replica) before it seals anything.
     */
    @Override
    public Map<String, SessionKey> sealingKeys(final Collection<String> sessions, final Duration timeout) {
        if (producer == null) {
            throw new IllegalStateException("these keys are for reading only");
        }
        final Map<String, CompletableFuture<SessionKey>> pending = new HashMap<>();
        for (final String session : sessions) {
            pending.computeIfAbsent(session, s -> sealing.computeIfAbsent(s, this::chooseOrCreate));
        }
        final Map<String, SessionKey> chosen = new HashMap<>();
        try {
            for (final var entry : pending.entrySet()) {
                chosen.put(entry.getKey(), entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
        } catch (ExecutionException | TimeoutException e) {
            pending.forEach((session, future) -> {
                if (future.isCompletedExceptionally() || !future.isDone()) {
                    sealing.remove(session, future);
                }
            });
            throw new IllegalStateException("cannot write a session key to " + topic + ": " + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a session key", e);
        }
        return chosen;
    }

    private CompletableFuture<SessionKey> chooseOrCreate(final String session) {
        final Map<String, SecretKey> known = keys.get(session);
        if (known != null && !known.isEmpty()) {
            final var first = known.entrySet().iterator().next();
            return CompletableFuture.completedFuture(new SessionKey(new KeyRef(session, first.getKey()), first.getValue()));
        }
        final SessionKey created = new SessionKey(KeyRef.fresh(session), newKey());
        final CompletableFuture<SessionKey> written = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, KeyRef.partitionOf(session, partitions), created.ref().topicKey(),
                master.wrap(created.ref(), created.secret())), (metadata, error) -> {
                    if (error == null) {
                        keys.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).put(created.ref().keyId(), created.secret());
                        written.complete(created);
                    } else {
                        written.completeExceptionally(error);
                    }
                });
        return written;
    }

    /**
     * Forgets which key this process seals {@code session} with, and every key of it known here: the session was
     * deleted, its keys are being destroyed, and what is written to it next is a new session with a new key.
     */
    @Override
    public void retire(final String session) {
        sealing.remove(session);
        keys.remove(session);
    }

    /**
     * The key {@code ref} names, if it lives. A key not known yet is waited for until this process has read the keys
     * topic to its end once more (a reader may see content before the key that sealed it); empty when it is destroyed.
     */
    @Override
    public Optional<SecretKey> find(final KeyRef ref) {
        final SecretKey known = lookup(ref);
        if (known != null || closed) {
            return Optional.ofNullable(known);
        }
        awaitCatchUp();
        return Optional.ofNullable(lookup(ref));
    }

    @Override
    public Optional<SecretKey> find(final KeyRef ref, final java.time.Instant sealedBy) {
        final SecretKey known = lookup(ref);
        if (known != null || closed || sealedBy != null && sealedBy.toEpochMilli() + KEY_WRITTEN_WITHIN_MS < caughtUpSince) {
            // Destroyed: its key would have been read already (a consumer replaying erased sessions waits for nothing).
            return Optional.ofNullable(known);
        }
        return find(ref);
    }

    private SecretKey lookup(final KeyRef ref) {
        final Map<String, SecretKey> ofSession = keys.get(ref.session());
        return ofSession == null ? null : ofSession.get(ref.keyId());
    }

    /** How many live keys this process knows: a figure for /health and the memory it costs. */
    public int size() {
        return keys.values().stream().mapToInt(Map::size).sum();
    }

    /** Waits until the topic was read to an end taken after this call, at most a few seconds. */
    public void awaitCatchUp() {
        final long deadline = System.nanoTime() + CATCH_UP_WAIT.toNanos();
        synchronized (progress) {
            final long needed = roundsStarted;
            while (roundsCaughtUp < needed + 1 && !closed) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("the keys topic {} was not read to its end within {} ms", topic, CATCH_UP_WAIT.toMillis());
                    return;
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void follow() {
        try {
            while (!closed) {
                final long round;
                final long began = System.currentTimeMillis();
                synchronized (progress) {
                    round = ++roundsStarted;
                }
                final Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
                do {
                    consumer.poll(Duration.ofMillis(100)).forEach(this::apply);
                } while (!closed && ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue()));
                synchronized (progress) {
                    roundsCaughtUp = round;
                    caughtUpSince = began;
                    progress.notifyAll();
                }
                if (!closed) {
                    consumer.poll(Duration.ofMillis(200)).forEach(this::apply);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("stopped following the keys topic {}: {}", topic, e.toString());
        } finally {
            closed = true;
            synchronized (progress) {
                progress.notifyAll();
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(final ConsumerRecord<String, String> record) {
        final KeyRef ref = KeyRef.parse(record.key());
        if (ref == null) {
            LOG.warn("ignored record {} of {} partition {}: its key is not session/key_id", record.offset(), topic, record.partition());
            return;
        }
        if (record.value() == null) {
            keys.computeIfPresent(ref.session(), (s, ofSession) -> {
                ofSession.remove(ref.keyId());
                return ofSession.isEmpty() ? null : ofSession;
            });
            sealing.computeIfPresent(ref.session(), (s, future) ->
                    future.isDone() && !future.isCompletedExceptionally() && future.join().ref().equals(ref) ? null : future);
            return;
        }
        try {
            final SecretKey secret = master.unwrap(ref, record.value());
            keys.computeIfAbsent(ref.session(), s -> new ConcurrentHashMap<>()).put(ref.keyId(), secret);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            LOG.warn("cannot unwrap the key {} (record {} of {} partition {}): {}", ref.topicKey(), record.offset(), topic,
                    record.partition(), e.getMessage());
        }
    }

    /** A new AES-256 session key. */
    static SecretKey newKey() {
        try {
            final KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            return generator.generateKey();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("AES is not available: " + e, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            follower.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
