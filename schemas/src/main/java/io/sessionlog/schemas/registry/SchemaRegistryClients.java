package io.sessionlog.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the client for a {@code schema.registry.url}: {@code mock://scope} gives the in-memory registry of that
 * scope, anything else the REST client. Clients are shared per URL and credentials, so that every serde of a process
 * shares one cache, as Confluent's serdes do.
 */
public final class SchemaRegistryClients {

    private static final Map<String, SchemaRegistryClient> SHARED = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient forUrl(final String url, final String credentialsSource, final String userInfo) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url must be set");
        }
        if (url.startsWith(MockSchemaRegistry.MOCK_URL_PREFIX)) {
            return MockSchemaRegistry.forScope(url.substring(MockSchemaRegistry.MOCK_URL_PREFIX.length()));
        }
        final String key = url + '\u0000' + credentialsSource + '\u0000' + userInfo;
        return SHARED.computeIfAbsent(key, k ->
                new CachingSchemaRegistryClient(new RestSchemaRegistryClient(url, credentialsSource, userInfo)));
    }
}
