package io.sessionlog.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;

/**
 * Optional bearer API keys with scopes, configured as {@code <key>:<scope>[+<scope>…]} entries
 * ({@code s3cret:read+write}), or with the key's SHA-256 instead of the key ({@code sha256:<64 hex digits>:read}), so
 * that a configuration file need not hold the key itself ({@code printf %s "$KEY" | sha256sum}). When any key is
 * configured every route that declares a scope needs one: {@code 401} without a valid key, {@code 403} with a key
 * lacking the route's scope. Routes without a scope (health) stay open. {@code admin} grants every scope.
 *
 * <p>Only digests are kept and compared, every one of them, in constant time: neither the time of an answer nor a
 * heap dump gives a key away.
 */
public final class ApiKeys {

    private static final String SHA256_PREFIX = "sha256:";
    private final List<Map.Entry<byte[], Set<Scope>>> scopesByDigest;

    private ApiKeys(final List<Map.Entry<byte[], Set<Scope>>> scopesByDigest) {
        this.scopesByDigest = List.copyOf(scopesByDigest);
    }

    /** @throws IllegalArgumentException naming the malformed entry (never the key itself) */
    public static ApiKeys parse(final List<String> entries) {
        final List<Map.Entry<byte[], Set<Scope>>> keys = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            final String entry = entries.get(i).trim();
            final int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("API key entry " + (i + 1) + " must be <key>:<scope>[+<scope>] or "
                        + "sha256:<hex>:<scope>[+<scope>], scopes read, write, admin");
            }
            final Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (final String scope : entry.substring(colon + 1).split("\\+")) {
                try {
                    scopes.add(Scope.valueOf(scope.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("API key entry " + (i + 1) + " has unknown scope '" + scope
                            + "'; scopes are read, write, admin");
                }
            }
            keys.add(Map.entry(digestOf(entry.substring(0, colon), i + 1), scopes));
        }
        return new ApiKeys(keys);
    }

    private static byte[] digestOf(final String key, final int entry) {
        if (!key.startsWith(SHA256_PREFIX)) {
            return sha256(key);
        }
        final String hex = key.substring(SHA256_PREFIX.length());
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("API key entry " + entry + " gives sha256: but not 64 hex digits");
        }
        return HexFormat.of().parseHex(hex);
    }

    static byte[] sha256(final String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public boolean enabled() {
        return !scopesByDigest.isEmpty();
    }

    public void install(final Javalin app) {
        if (!enabled()) {
            return;
        }
        app.beforeMatched(this::check);
    }

    private void check(final Context ctx) {
        final Set<RouteRole> required = ctx.routeRoles();
        if (required.isEmpty()) {
            return;
        }
        final String header = ctx.header("Authorization");
        final Set<Scope> granted = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? scopesOf(header.substring(7).trim()) : null;
        if (granted == null) {
            throw new Problem(401, "Unauthorized", "an API key is required: send Authorization: Bearer <key>",
                    List.of(), Map.of("WWW-Authenticate", "Bearer"));
        }
        final boolean allowed = granted.contains(Scope.ADMIN) || required.stream().anyMatch(granted::contains);
        if (!allowed) {
            throw new Problem(403, "Forbidden", "this API key lacks the scope " + required.iterator().next().toString()
                    .toLowerCase(Locale.ROOT) + " that " + ctx.method() + " " + ctx.matchedPath() + " needs", List.of(), Map.of());
        }
    }

    /** The key's scopes, its digest compared with every configured one in constant time; null if unknown. */
    Set<Scope> scopesOf(final String presented) {
        final byte[] candidate = sha256(presented);
        Set<Scope> found = null;
        for (final Map.Entry<byte[], Set<Scope>> entry : scopesByDigest) {
            if (MessageDigest.isEqual(candidate, entry.getKey())) {
                found = entry.getValue();
            }
        }
        return found;
    }
}
