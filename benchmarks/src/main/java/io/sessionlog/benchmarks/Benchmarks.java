package io.sessionlog.benchmarks;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar benchmarks/target/sessionlog-benchmarks.jar <benchmark>}: each prints its figures. */
@Command(name = "sessionlog-benchmarks", mixinStandardHelpOptions = true,
        description = "Measure sessionlog on this machine; each benchmark prints its figures.",
        subcommands = {IngestBenchmark.class, AmplificationBenchmark.class, HardDeleteBenchmark.class, RebuildBenchmark.class, ExpiryBenchmark.class, ProcessorBenchmark.class, QueryBenchmark.class, BigSessionBenchmark.class, AnalyticsBenchmark.class, FailoverBenchmark.class, RecoveryBenchmark.class, ProcessorSuite.class,
                io.sessionlog.benchmarks.chaos.ChaosCommand.class})
public final class Benchmarks implements Runnable {

    public static void main(final String[] args) {
        System.exit(new CommandLine(new Benchmarks()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
