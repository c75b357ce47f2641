package io.sessionlog.benchmarks;

import java.util.List;
import java.util.Locale;

import io.sessionlog.testsupport.CommittedRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many session views each commit wrote, against how many sessions it touched, the records of one commit told
 * apart by the offset gaps commit markers leave ({@link CommittedRecords#transactions}).
 */
final class SessionsPerCommit {

    private SessionsPerCommit() {
    }

    static void print(final String bootstrap, final String sessionsTopic) {
        final List<List<ConsumerRecord<String, byte[]>>> commits =
                CommittedRecords.transactions(bootstrap, sessionsTopic, new ByteArrayDeserializer());
        final long records = commits.stream().mapToLong(List::size).sum();
        final long touched = commits.stream().mapToLong(commit -> commit.stream().map(ConsumerRecord::key).distinct().count()).sum();
        System.out.printf(Locale.ROOT, "  %s: %,d session views in %,d commits (per partition): %.1f views and %.1f sessions touched per commit, "
                + "%.2f views per session touched%n", sessionsTopic, records, commits.size(), (double) records / commits.size(),
                (double) touched / commits.size(), (double) records / touched);
    }
}
