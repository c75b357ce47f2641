package io.sessionlog.processor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's RocksDB stores, one of which fails a single write on cue, as a full disk or a RocksDB error would:
 * its {@code n}-th put (counted across every task's instance of the store) throws the {@link ProcessorStateException}
 * RocksDB's store throws, and every other call goes to RocksDB unchanged. Restoration writes through RocksDB's own
 * batch, not through {@code put}, so a restored task is not failed again.
 */
final class FailingStores implements Function<String, KeyValueBytesStoreSupplier> {

    private final String failingStore;
    private final AtomicLong putsBeforeFailure;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final Runnable onFailure;

    FailingStores(final String failingStore, final long failingPut, final Runnable onFailure) {
        this.failingStore = failingStore;
        this.putsBeforeFailure = new AtomicLong(failingPut - 1);
        this.onFailure = onFailure;
    }

    boolean failed() {
        return failed.get();
    }

    @Override
    public KeyValueBytesStoreSupplier apply(final String name) {
        final KeyValueBytesStoreSupplier rocksDb = Stores.persistentKeyValueStore(name);
        if (!name.equals(failingStore)) {
            return rocksDb;
        }
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new FailOnCue(rocksDb.get());
            }

            @Override
            public String metricsScope() {
                return rocksDb.metricsScope();
            }
        };
    }

    private void maybeFail(final String store) {
        if (putsBeforeFailure.getAndDecrement() == 0) {
            failed.set(true);
            onFailure.run();
            throw new ProcessorStateException("injected fault: a write of " + store + " failed (as on a full disk)");
        }
    }

    /** A store that delegates everything, counting its writes down to the one that fails. */
    private final class FailOnCue implements KeyValueStore<Bytes, byte[]> {
        private final KeyValueStore<Bytes, byte[]> inner;

        FailOnCue(final KeyValueStore<Bytes, byte[]> inner) {
            this.inner = inner;
        }

        @Override
        public void put(final Bytes key, final byte[] value) {
            maybeFail(name());
            inner.put(key, value);
        }

        @Override
        public byte[] putIfAbsent(final Bytes key, final byte[] value) {
            maybeFail(name());
            return inner.putIfAbsent(key, value);
        }

        @Override
        public void putAll(final List<KeyValue<Bytes, byte[]>> entries) {
            maybeFail(name());
            inner.putAll(entries);
        }

        @Override
        public byte[] delete(final Bytes key) {
            return inner.delete(key);
        }

        @Override
        public byte[] get(final Bytes key) {
            return inner.get(key);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> range(final Bytes from, final Bytes to) {
            return inner.range(from, to);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseRange(final Bytes from, final Bytes to) {
            return inner.reverseRange(from, to);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> all() {
            return inner.all();
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseAll() {
            return inner.reverseAll();
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(final P prefix, final PS serializer) {
            return inner.prefixScan(prefix, serializer);
        }

        @Override
        public long approximateNumEntries() {
            return inner.approximateNumEntries();
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void init(final StateStoreContext context, final StateStore root) {
            inner.init(context, root);
        }

        @Override
        public void flush() {
            inner.flush();
        }

        @Override
        public void commit(final Map<TopicPartition, Long> changelogOffsets) {
            inner.commit(changelogOffsets);
        }

        @Override
        public Long committedOffset(final TopicPartition partition) {
            return inner.committedOffset(partition);
        }

        @Override
        public boolean managesOffsets() {
            return inner.managesOffsets();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public boolean persistent() {
            return inner.persistent();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public <R> QueryResult<R> query(final Query<R> query, final PositionBound bound, final QueryConfig config) {
            return inner.query(query, bound, config);
        }

        @Override
        public Position getPosition() {
            return inner.getPosition();
        }
    }
}
