package io.sessionlog.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * What every request must be before any route sees it, so that a web page a developer visits cannot write to or
 * read from a local instance, and no header can turn a read into a write:
 * <ul>
 *   <li>{@code X-HTTP-Method-Override} is refused ({@code 400}): Javalin would route by it, so a GET that proxies,
 *       logs and method-based rules see as a read could delete events;</li>
 *   <li>a body is JSON ({@code application/json}, {@code application/*+json}) or NDJSON
 *       ({@code application/x-ndjson}), in UTF-8; anything else, or none, is {@code 415}. Browsers send
 *       {@code text/plain} and form bodies cross-site without asking; JSON needs a CORS preflight, which sessionlog
 *       does not grant. A request with neither a body nor a {@code Content-Type} has no media type to be wrong: its
 *       route answers it ({@code 400} naming the missing body, for a write);</li>
 *   <li>with {@code allowedHosts} given (no API keys), the {@code Host} header names one of them, else {@code 403}:
 *       a DNS-rebinding page reaches a loopback server under a name of its own;</li>
 *   <li>{@code HEAD} is answered only for health routes ({@code 405} elsewhere): Javalin answers it for every GET
 *       route without running the route, or its scope check.</li>
 * </ul>
 */
public final class RequestGuards {

    public static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    private static final Set<String> MEDIA_TYPES = Set.of("application/json", "application/x-ndjson");

    private RequestGuards() {
    }

    /**
     * Before routing: the method override, the Host and HEAD. Install the body check with {@link #installBodyCheck}
     * after the API keys, so that a request without a key learns it needs one (401) before anything about its body.
     *
     * @param allowedHosts host names (lower case, no port) the Host header may give; empty allows any
     */
    public static void install(final Javalin app, final Set<String> allowedHosts) {
        app.before(ctx -> check(ctx, allowedHosts));
    }

    /** The body's media type and charset, for every route that matched. */
    public static void installBodyCheck(final Javalin app) {
        app.beforeMatched(ctx -> {
            if (BODY_METHODS.contains(ctx.req().getMethod().toUpperCase(Locale.ROOT))
                    && (hasBody(ctx) || !isBlank(ctx.header("Content-Type")))) {
                checkContentType(ctx.header("Content-Type"));
            }
        });
    }

    static void check(final Context ctx, final Set<String> allowedHosts) {
        if (ctx.header(METHOD_OVERRIDE) != null) {
            throw Problem.badRequest(METHOD_OVERRIDE + " is not supported: send the method itself",
                    List.of(new FieldError(0, METHOD_OVERRIDE, "is not supported")));
        }
        if (!allowedHosts.isEmpty()) {
            final String host = hostName(ctx.header("Host"));
            if (host != null && !allowedHosts.contains(host)) {
                throw new Problem(403, "Forbidden", "Host " + host + " is not a name this server answers to without API "
                        + "keys; add it to http.allowed.hosts", List.of(), Map.of());
            }
        }
        if (ctx.req().getMethod().equalsIgnoreCase("HEAD") && !ctx.path().startsWith(Paths.HEALTH)) {
            throw new Problem(405, "Method Not Allowed", "HEAD is answered for /health/* only", List.of(), Map.of("Allow", "GET"));
        }
    }

    /** HTTP/1.1: a request has a body when it gives a length above zero, or is chunked (RFC 9112, section 6.3). */
    private static boolean hasBody(final Context ctx) {
        return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
    }

    private static boolean isBlank(final String header) {
        return header == null || header.isBlank();
    }

    private static void checkContentType(final String contentType) {
        if (isBlank(contentType)) {
            throw unsupported("a request with a body needs Content-Type: application/json (or application/x-ndjson for bulk loads)");
        }
        final String[] parts = contentType.split(";");
        final String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!MEDIA_TYPES.contains(media) && !(media.startsWith("application/") && media.endsWith("+json"))) {
            throw unsupported("Content-Type " + media + " is not taken: send application/json (or application/x-ndjson for bulk loads)");
        }
        for (int i = 1; i < parts.length; i++) {
            final String[] parameter = parts[i].trim().split("=", 2);
            if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")
                    && !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                throw unsupported("charset " + parameter[1].trim() + " is not taken: bodies are UTF-8");
            }
        }
    }

    private static Problem unsupported(final String detail) {
        return new Problem(415, "Unsupported Media Type", detail, List.of(new FieldError(0, "Content-Type", detail)), Map.of());
    }

    /** The host name of a Host header, lower case, without its port; null when there is none. */
    static String hostName(final String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        final String value = header.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            final int end = value.indexOf(']');
            return end < 0 ? value : value.substring(0, end + 1);
        }
        final int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }
}
