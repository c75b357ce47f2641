package io.sessionlog.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;

/**
 * Optional bearer API keys with scopes, configured as {@code <key>:<scope>[+<scope>…]} entries
 * ({@code s3cret:read+write}). When any key is configured every route that declares a scope needs one:
 * {@code 401} without a valid key, {@code 403} with a key lacking the route's scope. Routes without a scope (health)
 * stay open. {@code admin} grants every scope.
 */
public final class ApiKeys {

    private final Map<String, Set<Scope>> scopesByKey;

    private ApiKeys(final Map<String, Set<Scope>> scopesByKey) {
        this.scopesByKey = Map.copyOf(scopesByKey);
    }

    /** @throws IllegalArgumentException naming the malformed entry (never the key itself) */
    public static ApiKeys parse(final List<String> entries) {
        final Map<String, Set<Scope>> keys = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            final String entry = entries.get(i).trim();
            final int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("API key entry " + (i + 1) + " must be <key>:<scope>[+<scope>], "
                        + "scopes read, write, admin");
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
            keys.put(entry.substring(0, colon), scopes);
        }
        return new ApiKeys(keys);
    }

    public boolean enabled() {
        return !scopesByKey.isEmpty();
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

    /** The key's scopes, compared in constant time so a key cannot be guessed from response times; null if unknown. */
    private Set<Scope> scopesOf(final String presented) {
        final byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        Set<Scope> found = null;
        for (final Map.Entry<String, Set<Scope>> entry : scopesByKey.entrySet()) {
            if (MessageDigest.isEqual(candidate, entry.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = entry.getValue();
            }
        }
        return found;
    }
}
