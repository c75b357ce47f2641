package io.sessionlog.app.erasure;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.sessionlog.app.AppConfig;
import io.sessionlog.app.SettingsOptions;
import io.sessionlog.processor.ProcessorConfig;
import io.sessionlog.projections.ProjectionsConfig;
import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.Topics;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sessionlog erasure-report <session>}: where a (deleted) session's records still are, place by place. */
@Command(name = "erasure-report", mixinStandardHelpOptions = true,
        description = "Read every topic and changelog of a session's partition and say, place by place, what is left of "
                + "it: gone, destroyed or unreadable (sealed, key destroyed), ids only, or readable, and until when.")
public final class ErasureReportCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The session key (flux0 session id, Syllable session_id, Inkeep conversationId).")
    String session;

    @Mixin
    SettingsOptions options = new SettingsOptions();

    @Override
    public Integer call() throws Exception {
        final Map<String, String> settings;
        try {
            settings = options.settings();
        } catch (ConfigException e) {
            System.err.println("sessionlog: configuration error: " + e.getMessage());
            return 2;
        }
        final AppConfig app = new AppConfig(settings);
        final Map<String, Object> client = SettingsOptions.clientConfig(app);
        final ErasureReport report = new ErasureReport(client, ClusterConfig.serdeConfig(app),
                new Topics(app.getString(ClusterConfig.TOPIC_PREFIX)),
                new ProcessorConfig(settings).getString(ProcessorConfig.APPLICATION_ID),
                new ProjectionsConfig(settings).getString(ProjectionsConfig.APPLICATION_ID), System.err);
        System.err.println("erasure report of session " + session + " (" + client.get("bootstrap.servers") + ")");
        print(report.of(session));
        return 0;
    }

    static void print(final List<ErasureReport.Finding> findings) {
        System.out.printf(Locale.ROOT, "%-44s %9s  %-10s %-22s %s%n", "place", "records", "status", "left until", "what");
        for (final ErasureReport.Finding finding : findings) {
            System.out.printf(Locale.ROOT, "%-44s %9d  %-10s %-22s %s%n", finding.place(), finding.records(), finding.status(),
                    finding.records() == 0 ? "-" : finding.until() == null ? "retained" : finding.until().toString(), finding.detail());
        }
        final long readable = findings.stream().filter(f -> f.status() == ErasureReport.Status.READABLE).count();
        System.out.println(readable == 0 ? "no place holds readable content of the session"
                : readable + " place(s) hold readable content of the session");
        System.out.println("state stores: a deleted session leaves every store at once; its entries leave the RocksDB files "
                + "within topic.max.compaction.lag.ms (periodic compaction). Report made " + Instant.now());
    }
}
