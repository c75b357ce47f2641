package io.sessionlog.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void aKeyGivenAsItsSha256GrantsItsScopesToTheKeyItself() {
        final String hex = HexFormat.of().formatHex(ApiKeys.sha256("s3cret"));
        final ApiKeys keys = ApiKeys.parse(List.of("sha256:" + hex + ":read+write", "plain:admin"));

        assertEquals(Set.of(Scope.READ, Scope.WRITE), keys.scopesOf("s3cret"));
        assertNull(keys.scopesOf("sha256:" + hex), "the digest is not itself a key");
        assertEquals(Set.of(Scope.ADMIN), keys.scopesOf("plain"));
        assertNull(keys.scopesOf("plai"));
    }

    @Test
    void aMalformedDigestIsRefusedNamingTheEntryNotTheKey() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.parse(List.of("k:read", "sha256:abc:read")));
        assertTrue(error.getMessage().startsWith("API key entry 2 gives sha256:"), error.getMessage());
    }
}
