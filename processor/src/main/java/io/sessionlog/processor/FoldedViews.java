package io.sessionlog.processor;

import org.apache.kafka.streams.kstream.internals.Change;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Emits a session's view to {@code sessionlog.sessions} when Kafka Streams' record cache flushes it to the store and
 * its changelog (at every commit, or when the cache evicts it), so that the views of one session written within one
 * commit reach the store, the changelog and the topic once, as the last of them. Under exactly-once nothing is lost:
 * a read_committed reader sees a transaction's views all at once, the last being the session's state at that instant.
 *
 * <p>This is what the DSL's KTable does with the same cache. The Processor API has no public hook for it, so this class,
 * and only this class, uses Kafka Streams' internal {@code CachedStateStore} and {@code InternalProcessorContext}:
 * decision 0012 says why, and what a Kafka upgrade must check.
 */
final class FoldedViews {

    private FoldedViews() {
    }

    /**
     * Makes every flush of {@code store}'s cache forward the flushed view from the current processor to {@code sink},
     * with the timestamp and headers of the record that wrote it last.
     *
     * @return false if the store has no cache (nothing to fold): the caller then forwards each view itself
     */
    @SuppressWarnings("unchecked")
    static boolean forwardOnFlush(final KeyValueStore<String, byte[]> store, final ProcessorContext<String, Object> context,
                                  final String sink) {
        if (!(store instanceof CachedStateStore<?, ?> cached) || !(context instanceof InternalProcessorContext<?, ?>)) {
            return false;
        }
        final InternalProcessorContext<String, Object> internal = (InternalProcessorContext<String, Object>) context;
        // A flush at commit runs outside any processor: forwarding needs the node whose children include the sink.
        final ProcessorNode<?, ?, ?, ?> stamper = internal.currentNode();
        return ((CachedStateStore<String, byte[]>) cached).setFlushListener(
                (Record<String, Change<byte[]>> flushed) -> {
                    // A null view is a hard delete: it reaches sessions as a tombstone.
                    final byte[] view = flushed.value().newValue;
                    final ProcessorNode<?, ?, ?, ?> previous = internal.currentNode();
                    internal.setCurrentNode(stamper);
                    try {
                        internal.forward(flushed.withValue(view), sink);
                    } finally {
                        internal.setCurrentNode(previous);
                    }
                },
                false);
    }
}
