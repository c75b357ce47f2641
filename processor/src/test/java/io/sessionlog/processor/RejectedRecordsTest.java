package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The handlers: what is the record's fault goes to rejected with its bytes and why, and processing resumes; what is
 * not (a store that cannot write, the state of the cluster) fails the task or is retried, and nothing is rejected.
 */
class RejectedRecordsTest {

    @Test
    void aRecordWhoseProcessingThrewFailsTheTaskAndIsNotRejected() {
        final RejectedRecords.Unprocessable handler = new RejectedRecords.Unprocessable();
        handler.configure(Map.of(RejectedRecords.TOPIC_CONFIG, "t.rejected"));
        final ProcessingExceptionHandler.Response response = handler.handleError(context(new byte[] {0, 0, 0, 0, 1, 42}),
                new Record<>("s", "anything", 0L), new IllegalStateException("store unavailable"));

        assertEquals(ProcessingExceptionHandler.Result.FAIL, response.result());
        assertEquals(List.of(), response.deadLetterQueueRecords(), "nothing goes to rejected");
    }

    @Test
    void aRecordThatCannotBeDecodedGoesToRejectedWithItsBytesAndWhy() {
        final RejectedRecords.Unreadable handler = new RejectedRecords.Unreadable();
        handler.configure(Map.of(RejectedRecords.TOPIC_CONFIG, "t.rejected"));
        final byte[] value = {0, 0, 0, 0, 1, 42};
        final var response = handler.handleError(context(value), null, new IllegalArgumentException("unknown schema id 1"));

        assertEquals(org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result.RESUME, response.result());
        final ProducerRecord<byte[], byte[]> rejected = response.deadLetterQueueRecords().get(0);
        assertEquals("t.rejected", rejected.topic());
        assertArrayEquals(value, rejected.value(), "the original bytes");
        assertArrayEquals("s".getBytes(StandardCharsets.UTF_8), rejected.key());
        assertEquals("unknown schema id 1", header(rejected, RejectedRecords.REASON));
        assertEquals("processor.deserialize", header(rejected, RejectedRecords.STAGE));
        assertEquals("t.events.raw", header(rejected, RejectedRecords.SOURCE_TOPIC));
        assertEquals("3", header(rejected, RejectedRecords.SOURCE_PARTITION));
        assertEquals("77", header(rejected, RejectedRecords.SOURCE_OFFSET));
    }

    @Test
    void anOutputTheBrokerRefusedForItsSizeRejectsItsSourceRecordAndIsRememberedForTheReplay() {
        final RejectedRecords.Unwritable handler = new RejectedRecords.Unwritable();
        handler.configure(Map.of(RejectedRecords.TOPIC_CONFIG, "t.rejected"));
        final byte[] value = {0, 0, 0, 0, 1, 42};
        try {
            final ProductionExceptionHandler.Response response = handler.handleError(context(value),
                    new ProducerRecord<>("t.events", new byte[0], new byte[0]), new RecordTooLargeException("too large"));

            assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
            final ProducerRecord<byte[], byte[]> rejected = response.deadLetterQueueRecords().get(0);
            assertArrayEquals(value, rejected.value(), "the source record's bytes");
            assertEquals("processor.produce", header(rejected, RejectedRecords.STAGE));
            assertEquals("the broker refused its output to t.events: too large", header(rejected, RejectedRecords.REASON));
            assertEquals(java.util.Optional.of("the broker refused its output to t.events: too large"),
                    RefusedOutputs.reasonFor("t.events.raw", 3, 77));
        } finally {
            RefusedOutputs.clear();
        }
    }

    @Test
    void aRefusalReportedWithoutItsSourceRecordFailsTheTaskSoThatItsRecordsAreProcessedAgain() {
        final RejectedRecords.Unwritable handler = new RejectedRecords.Unwritable();
        handler.configure(Map.of(RejectedRecords.TOPIC_CONFIG, "t.rejected"));
        // Kafka Streams builds the context when the broker answers: after a punctuation it names no source record.
        final ErrorHandlerContext noSource = new ErrorHandlerContext() {
            @Override public String topic() { return null; }
            @Override public int partition() { return -1; }
            @Override public long offset() { return -1; }
            @Override public Headers headers() { return new RecordHeaders(); }
            @Override public String processorNodeId() { return ProcessorNames.STAMPER; }
            @Override public TaskId taskId() { return new TaskId(0, 3); }
            @Override public long timestamp() { return 0; }
            @Override public byte[] sourceRawKey() { return null; }
            @Override public byte[] sourceRawValue() { return null; }
        };
        try {
            assertEquals(ProductionExceptionHandler.Result.FAIL, handler.handleError(noSource,
                    new ProducerRecord<>("t.events", new byte[0], new byte[0]), new RecordTooLargeException("too large")).result());
            assertEquals(java.util.Optional.empty(), RefusedOutputs.reasonFor(null, -1, -1), "nothing remembered of no record");
        } finally {
            RefusedOutputs.clear();
        }
    }

    @Test
    void aBrokerThatCannotTakeWritesNowIsRetriedAndNothingIsRejected() {
        final RejectedRecords.Unwritable handler = new RejectedRecords.Unwritable();
        handler.configure(Map.of(RejectedRecords.TOPIC_CONFIG, "t.rejected"));
        final ProducerRecord<byte[], byte[]> output = new ProducerRecord<>("t.events", new byte[0], new byte[0]);

        assertEquals(ProductionExceptionHandler.Result.RETRY, handler.handleError(context(new byte[0]), output,
                new NotEnoughReplicasException("1 of 3 in sync")).result());
        assertEquals(ProductionExceptionHandler.Result.FAIL, handler.handleError(context(new byte[0]), output,
                new org.apache.kafka.common.KafkaException("part of a batch which had one or more invalid records")).result());
        assertEquals(java.util.Optional.empty(), RefusedOutputs.reasonFor("t.events.raw", 3, 77));
    }

    private static String header(final ProducerRecord<byte[], byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static ErrorHandlerContext context(final byte[] value) {
        return new ErrorHandlerContext() {
            @Override public String topic() { return "t.events.raw"; }
            @Override public int partition() { return 3; }
            @Override public long offset() { return 77; }
            @Override public Headers headers() { return new RecordHeaders(); }
            @Override public String processorNodeId() { return ProcessorNames.STAMPER; }
            @Override public TaskId taskId() { return new TaskId(0, 3); }
            @Override public long timestamp() { return 0; }
            @Override public byte[] sourceRawKey() { return "s".getBytes(StandardCharsets.UTF_8); }
            @Override public byte[] sourceRawValue() { return value; }
        };
    }
}
