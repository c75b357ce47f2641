package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** docs/configuration.md is what the configuration definitions generate: a stale page fails the build. */
class ConfigurationReferenceTest {

    @Test
    void theConfigurationPageIsWhatTheCodeGenerates() throws Exception {
        final Path page = Path.of("..", "docs", "configuration.md");
        assertEquals(ConfigurationReference.markdown(), Files.readString(page, StandardCharsets.UTF_8),
                "docs/configuration.md is stale: regenerate it with ./sessionlog keys --format markdown > docs/configuration.md");
    }

    @Test
    void everyKeyTheAppTakesIsOnThePage() {
        final String page = ConfigurationReference.markdown();
        ConfigSource.knownKeys().forEach(key -> assertTrue(page.contains("| `" + key + "` "), key));
        assertTrue(!page.contains("$$Lambda"), "every validator says what it takes (a lambda's toString does not)");
    }
}
