package io.sessionlog.app;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sessionlog.http.Paths;
import io.sessionlog.http.Scope;

/**
 * {@code GET /metrics} in Prometheus text: HTTP requests per route, method and status (timers), Kafka Streams and
 * producer metrics (bound by the roles), and the JVM's.
 */
final class MetricsRoutes {

    static final String UNMATCHED = "unmatched";
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    MetricsRoutes() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Times every request by its route pattern (not its path: ids would make unbounded series). */
    void timeRequests(final JavalinConfig config) {
        config.requestLogger.http((ctx, millis) -> Timer.builder("http.server.requests")
                .tag("method", ctx.req().getMethod())
                .tag("route", routeOf(ctx))
                .tag("status", String.valueOf(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record(java.time.Duration.ofNanos((long) (millis * 1_000_000))));
    }

    /** The matched route's pattern; one series for every request that matched none (ids would be unbounded). */
    static String routeOf(final io.javalin.http.Context ctx) {
        try {
            return ctx.endpointHandlerPath();
        } catch (IllegalStateException | UnsupportedOperationException noRoute) {
            return UNMATCHED;
        }
    }

    void register(final Javalin app) {
        app.get(Paths.METRICS, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()),
                Scope.ADMIN);
    }
}
