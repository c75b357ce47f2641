package io.sessionlog.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.sessionlog.app.load.LoadCommand;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sessionlog}: the command line. {@code sessionlog run} starts the roles; see {@code --help}. */
@Command(name = "sessionlog", mixinStandardHelpOptions = true, version = "sessionlog 0.1.0",
        description = "A Kafka-native event log for AI-agent and conversation platforms.",
        subcommands = {SessionlogCommand.Run.class, LoadCommand.class, SessionlogCommand.Keys.class,
                io.sessionlog.app.erasure.ErasureReportCommand.class, RebuildCommand.class, TailCommand.class})
public final class SessionlogCommand implements Runnable {

    public static void main(final String[] args) {
        System.exit(new CommandLine(new SessionlogCommand()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Start sessionlog. Without kafka.bootstrap.servers it starts its embedded Kafka broker and "
                    + "schema registry in ./data; with it, it joins that cluster.")
    static final class Run implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Properties file of settings (environment variables override it).")
        Path config;

        @Option(names = "--roles", description = "Roles to run: ingest,processor,projections,registry (default: all but registry).")
        String roles;

        @Option(names = {"-D", "--set"}, description = "Set one key, e.g. -D http.port=9090 (overrides file and environment).")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Override
        public Integer call() throws InterruptedException {
            final Map<String, String> cli = new LinkedHashMap<>(overrides);
            if (roles != null) {
                cli.put(AppConfig.ROLES, roles);
            }
            final Sessionlog app;
            try {
                app = Sessionlog.start(ConfigSource.load(Optional.ofNullable(config), System.getenv(), cli));
            } catch (ConfigException e) {
                System.err.println("sessionlog: configuration error: " + e.getMessage());
                return 2;
            } catch (IllegalStateException e) {
                System.err.println("sessionlog: cannot start: " + e.getMessage());
                return 1;
            }
            final CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                stopped.countDown();
            }, "sessionlog-shutdown"));
            System.out.println("sessionlog is running: " + app.httpUrl() + " (Ctrl-C stops it)");
            stopped.await();
            return 0;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "List every configuration key.")
    static final class Keys implements Runnable {
        @Option(names = "--format", description = "text (default): one key a line; markdown: the docs/configuration.md page.",
                defaultValue = "text")
        String format;

        @Override
        public void run() {
            if (format.equals("markdown")) {
                System.out.print(ConfigurationReference.markdown());
                return;
            }
            ConfigSource.knownKeys().forEach(key -> System.out.println(key + "    (env " + ConfigSource.ENV_PREFIX
                    + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_') + ")"));
        }
    }
}
