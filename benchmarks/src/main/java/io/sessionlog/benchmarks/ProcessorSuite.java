package io.sessionlog.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Every figure of the processor's goals in one run: the {@code processor} benchmark (baselines A, B and C, the
 * round-robin and the bursty workloads), then {@code failover} with the shorter timeouts operations.md gives, then {@code recovery} with the projections, each on a
 * broker and state of its own that is deleted when it ends, so that the largest (recovery) has the disk to itself.
 */
@Command(name = "processor-suite", mixinStandardHelpOptions = true,
        description = "The processor, failover and recovery benchmarks one after another, with their defaults.")
final class ProcessorSuite implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "target/bench-suite", description = "Folder under which each benchmark "
            + "gets its own, deleted when it ends (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--recovery-events", defaultValue = "10000000", description = "Events of the recovery benchmark (default: ${DEFAULT-VALUE}).")
    int recoveryEvents;

    @Override
    public Integer call() throws Exception {
        final List<List<String>> runs = List.of(
                List.of("processor"),
                // With the shorter timeouts operations.md gives for failing over sooner.
                List.of("failover", "-D", "kafka.consumer.session.timeout.ms=6000", "-D", "kafka.consumer.heartbeat.interval.ms=1500",
                        "-D", "kafka.producer.transaction.timeout.ms=6000"),
                List.of("recovery", "--projections", "--events", String.valueOf(recoveryEvents),
                        "--sessions", String.valueOf(Math.max(1, recoveryEvents / 10))));
        int failed = 0;
        for (final List<String> run : runs) {
            final Path dir = dataDir.resolve(run.get(0));
            final List<String> args = new ArrayList<>(run);
            args.addAll(List.of("--data-dir", dir.toString()));
            System.out.printf(Locale.ROOT, "%n=== %s ===%n", String.join(" ", args));
            final int exit = new CommandLine(new Benchmarks()).execute(args.toArray(String[]::new));
            Folders.delete(dir);
            if (exit != 0) {
                System.out.printf(Locale.ROOT, "%s exited with %d%n", run.get(0), exit);
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
