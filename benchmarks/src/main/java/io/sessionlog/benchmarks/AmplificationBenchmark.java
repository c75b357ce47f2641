package io.sessionlog.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.sessionlog.app.Sessionlog;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.util.StringRequestContent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one posted byte costs on disk. Posts a mix of all three origins through HTTP as JSON arrays (flux0 chat turns
 * with correlation chains, Syllable call events, Inkeep conversation events), waits until the stats count every
 * event, closes sessionlog cleanly (every store flushed, every index trimmed) and prints the bytes of each topic's
 * partitions and of each store, per byte of request body posted.
 */
@Command(name = "amplification", mixinStandardHelpOptions = true,
        description = "Bytes on disk per byte posted, per topic and per store, for a mix of the three origins.")
final class AmplificationBenchmark implements Callable<Integer> {

    /** Every byte on disk together, per byte posted: the goal of issue 26. */
    static final double GOAL = 2.5;

    @Option(names = "--events", defaultValue = "30000", description = "Events to post (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--sessions", defaultValue = "300", description = "Sessions they spread over (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = {"-D", "--set"}, description = "A sessionlog setting for the run.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-amplification", description = "Folder for the broker and state (wiped first).")
    Path dataDir;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Override
    public Integer call() throws Exception {
        final long posted;
        try (Sessionlog app = EmbeddedRun.start(dataDir, settings)) {
            final HttpClient client = new HttpClient();
            client.start();
            QueryBenchmark.awaitReady(client, app.httpUrl(), Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "amplification benchmark: %,d events over %,d sessions, a third of each origin, arrays of 100%n",
                    events, sessions);
            posted = post(client, app.httpUrl());
            Awaitility.await("every event counted").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> AnalyticsBenchmark.countedEvents(client, app.httpUrl(), now.minus(Duration.ofDays(2)), now.plus(Duration.ofDays(1))),
                            counted -> {
                        System.out.printf(Locale.ROOT, "  visible: %,d of %,d%n", counted, events);
                        return counted >= events;
                    });
            client.stop();
        }
        final Map<String, Long> topics = topicBytes(dataDir.resolve("kafka"));
        final Map<String, Long> stores = StateSizes.of(dataDir.resolve("streams"));
        System.out.printf(Locale.ROOT, "%,d bytes of request bodies posted; on disk after a clean close, per byte posted:%n", posted);
        final long topicTotal = print("topic", topics, posted);
        final long storeTotal = print("store", stores, posted);
        System.out.printf(Locale.ROOT, "all topics %.2f×, all stores %.2f×, together %.2f× (goal ≤ %.1f×)%n", (double) topicTotal / posted,
                (double) storeTotal / posted, (double) (topicTotal + storeTotal) / posted, GOAL);
        return 0;
    }

    /** Posts every event, an array of 100 per request, and answers the bytes posted. */
    private long post(final HttpClient client, final String base) throws Exception {
        long bytes = 0;
        final int perRequest = 100;
        int n = 0;
        while (n < events) {
            final int origin = (n / perRequest) % 3;
            final int session = ((n / perRequest / 3) * 3 + origin) % sessions;
            final StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < perRequest && n < events; i++, n++) {
                body.append(i == 0 ? "" : ",").append(switch (origin) {
                    case 0 -> flux0(n, session);
                    case 1 -> syllable(n, session + i % 3 * 3);
                    default -> inkeep(n, session + i % 3 * 3);
                });
            }
            final String path = switch (origin) {
                case 0 -> "/v1/sessions/amp-" + session + "/events";
                case 1 -> "/v1/syllable/events";
                default -> "/v1/inkeep/events";
            };
            final String json = body.append(']').toString();
            final ContentResponse answer = client.POST(base + path).timeout(60, TimeUnit.SECONDS)
                    .body(new StringRequestContent("application/json", json, StandardCharsets.UTF_8)).send();
            if (answer.getStatus() / 100 != 2) {
                throw new IllegalStateException(path + " answered " + answer.getStatus() + ": " + answer.getContentAsString());
            }
            bytes += json.getBytes(StandardCharsets.UTF_8).length;
            if (n % 6_000 == 0) {
                System.out.printf(Locale.ROOT, "  posted %,d of %,d%n", n, events);
            }
        }
        return bytes;
    }

    /** A chat turn of four events: the user's message, the agent processing, its answer, ready; one request chain. */
    private String flux0(final int n, final int session) {
        final int turn = n / 4;
        final String correlation = "RID(amp-" + turn + ")::" + Integer.toString(n % 4, 36) + "q" + session;
        final String data = switch (n % 4) {
            case 0 -> "{\"type\":\"message\",\"participant\":{\"id\":\"u-" + session + "\",\"name\":\"Dana\"},\"parts\":[{\"type\":\"content\","
                    + "\"content\":\"Turn " + turn + ": could you check the order I placed last week and tell me when it ships?\"}]}";
            case 1 -> "{\"type\":\"status\",\"status\":\"processing\",\"acknowledged_offset\":" + (n % 100) + ",\"data\":{}}";
            case 2 -> "{\"type\":\"message\",\"participant\":{\"id\":\"agent-" + session % 7 + "\",\"name\":\"Drizzle\"},\"parts\":[{\"type\":"
                    + "\"content\",\"content\":\"Your order " + turn + " left the warehouse this morning; the carrier expects to deliver it"
                    + " on Thursday between 9 and 12. Anything else I can help with?\"}]}";
            default -> "{\"type\":\"status\",\"status\":\"ready\",\"acknowledged_offset\":" + (n % 100) + ",\"data\":{}}";
        };
        return "{\"id\":\"amp-" + n + "\",\"correlation_id\":\"" + correlation + "\",\"type\":\"" + (n % 2 == 0 ? "message" : "status")
                + "\",\"source\":\"" + (n % 4 == 0 ? "user" : "ai_agent") + "\",\"data\":" + data + ",\"deleted\":false,\"created_at\":\""
                + at(n) + "\",\"metadata\":{\"agent_id\":\"agent-" + session % 7 + "\",\"agent_name\":\"Drizzle\"}}";
    }

    private String syllable(final int n, final int session) {
        return "{\"timestamp\":\"" + at(n) + "\",\"session_id\":\"amp-" + session + "\",\"conversation_id\":\"c-" + session
                + "\",\"source\":\"tool-call\",\"source_id\":\"transfer_to_pharmacy\",\"category\":\"automation\",\"type\":\"phone-transfer\","
                + "\"user_id\":\"+1804222" + (1000 + session) + "\",\"description\":\"Transfer to phone number +18042221111, request " + n
                + "\",\"attributes\":{\"destination\":\"+18042229999\",\"transfer_mode\":\"refer\",\"duration_ms\":" + n % 9000 + "}}";
    }

    private String inkeep(final int n, final int session) {
        return "{\"id\":\"amp-k-" + n + "\",\"type\":\"" + (n % 3 == 0 ? "conversation_shared" : "conversation_thumbs_up")
                + "\",\"conversationId\":\"amp-" + session + "\",\"createdAt\":\"" + at(n) + "\",\"projectId\":\"proj_abc\","
                + "\"integrationId\":\"int_web_1\",\"properties\":{\"shareTarget\":\"link\",\"source\":\"widget\",\"turn\":" + n
                + "},\"userProperties\":{\"id\":\"u_" + session + "\",\"identificationType\":\"COOKIED\",\"userType\":\"customer\","
                + "\"plan\":\"pro\"},\"entityType\":\"conversation\"}";
    }

    /** Event times over the last hour, in order. */
    private Instant at(final int n) {
        return now.minus(Duration.ofHours(1)).plusMillis((long) n * 3_600_000L / events);
    }

    /** Bytes of every file of each topic's partitions, summed over partitions, keyed by topic. */
    static Map<String, Long> topicBytes(final Path kafkaDir) throws IOException {
        final Map<String, Long> bytes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(kafkaDir)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                final Path partition = kafkaDir.relativize(file.getParent());
                final String partitionDir = partition.getFileName().toString();
                final int dash = partitionDir.lastIndexOf('-');
                // <node-N log dir>/<topic>-<partition>/…; the broker's own metadata log (__cluster_metadata) counts too.
                if (partition.getNameCount() == 2 && dash > 0 && partitionDir.substring(dash + 1).chars().allMatch(Character::isDigit)) {
                    bytes.merge(partitionDir.substring(0, dash), file.toFile().length(), Long::sum);
                }
            });
        }
        return bytes;
    }

    private static long print(final String kind, final Map<String, Long> bytes, final long posted) {
        bytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e -> System.out.printf(Locale.ROOT,
                "  %s %-75s %,12d bytes %6.2f×%n", kind, e.getKey(), e.getValue(), (double) e.getValue() / posted));
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }
}
