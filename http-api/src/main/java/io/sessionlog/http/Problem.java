package io.sessionlog.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An error answer in RFC 9457 problem details ({@code application/problem+json}): thrown by a route, written by
 * {@link Problems}. {@code errors} lists every invalid item of a refused request.
 */
public final class Problem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public Problem(final int status, final String title, final String detail, final List<FieldError> errors,
                   final Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static Problem badRequest(final String detail, final List<FieldError> errors) {
        return new Problem(400, "Invalid request", detail, errors, Map.of());
    }

    public static Problem notFound(final String detail) {
        return new Problem(404, "Not found", detail, List.of(), Map.of());
    }

    public static Problem tooLarge(final String detail) {
        return new Problem(413, "Payload too large", detail, List.of(), Map.of());
    }

    /** 503 with Retry-After: the answer while a store is not queryable or Kafka cannot take more. */
    /**
     * Seconds a client waits before it retries what could not be served now (Kafka behind, a store restoring, every
     * slot taken): the API's one Retry-After.
     */
    public static final int RETRY_AFTER_SECONDS = 1;

    /** 503 with {@code Retry-After}: nothing is wrong with the request; retrying it is safe. */
    public static Problem unavailable(final String detail) {
        return new Problem(503, "Service unavailable", detail, List.of(),
                Map.of("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Optional<String> detail() {
        return Optional.ofNullable(getMessage());
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** A stable type URI per status, so clients can switch on it. */
    public String type() {
        return "https://sessionlog.dev/problems/" + status;
    }
}
