package io.sessionlog.registry;

import java.util.Map;

import io.sessionlog.schemas.ClusterConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings of the embedded schema registry; a wrong value fails at start with a message naming the key. */
public final class RegistryConfig extends AbstractConfig {

    public static final String HOST = "registry.host";
    public static final String PORT = "registry.port";
    public static final String TOPIC = "registry.topic";
    public static final String COMPATIBILITY = "registry.compatibility";

    static final ConfigDef DEF = ClusterConfig.define(new ConfigDef())
            .define(HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Interface the registry listens on.")
            .define(PORT, Type.INT, 8081, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of the registry's REST API; 0 picks a free one.")
            .define(TOPIC, Type.STRING, "_schemas", Importance.LOW,
                    "Compacted topic holding the schemas, shared by every registry instance.")
            .define(COMPATIBILITY, Type.STRING, "BACKWARD", ConfigDef.CaseInsensitiveValidString.in(java.util.Arrays.stream(CompatibilityLevel.values()).map(Enum::name).toArray(String[]::new)),
                    Importance.LOW, "Global compatibility level until one is set through PUT /config.");

    public RegistryConfig(final Map<?, ?> values) {
        super(DEF, values);
    }

    public static ConfigDef configDef() {
        return DEF;
    }

    CompatibilityLevel compatibility() {
        return CompatibilityLevel.parse(getString(COMPATIBILITY));
    }
}
