package io.sessionlog.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Semaphore;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * At most {@code permits} requests with a body are served at once; one more is answered {@code 503} with
 * {@code Retry-After} at once. Jetty reads a body on a server thread, so a client that announces a body and sends it
 * slowly holds a thread until the idle timeout: without a bound, a few hundred such clients hold every thread and
 * even {@code /health/live} stops answering. With it they hold at most {@code permits} threads, and reads, health and
 * metrics keep the rest. A servlet filter, so that the permit is returned however the request ends.
 */
public final class BodyReadLimit implements Filter {

    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    private final Semaphore permits;
    private final int limit;

    public BodyReadLimit(final int permits) {
        this.limit = permits;
        this.permits = new Semaphore(permits);
    }

    @Override
    public void doFilter(final ServletRequest request, final ServletResponse response, final FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !BODY_METHODS.contains(http.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if (!permits.tryAcquire()) {
            refuse((HttpServletResponse) response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            permits.release();
        }
    }

    private void refuse(final HttpServletResponse response) throws IOException {
        final Problem busy = Problem.unavailable(limit + " requests with a body are being served (http.max.concurrent.bodies); "
                + "retry");
        final byte[] body = Problems.body(busy).toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(503);
        response.setHeader("Retry-After", String.valueOf(Problem.RETRY_AFTER_SECONDS));
        // The body this client announced is not read: close the connection rather than wait for it.
        response.setHeader("Connection", "close");
        response.setContentType(Problems.CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
