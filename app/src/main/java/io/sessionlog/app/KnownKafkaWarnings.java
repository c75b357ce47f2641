package io.sessionlog.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the one Kafka warning a user can do nothing about at every start: Kafka Streams 4.3.1 builds an internal,
 * "quiet" StreamsConfig from part of the settings, without {@code processing.exception.handler.global.enabled}, and
 * that constructor warns that the setting is off, although sessionlog sets it on every Streams app (StreamsSettings).
 * Every other warning of that logger passes. Installed by logback.xml.
 */
public final class KnownKafkaWarnings extends TurboFilter {

    private static final String STREAMS_CONFIG = "org.apache.kafka.streams.StreamsConfig";
    private static final String GLOBAL_HANDLER_NOT_ENABLED = "Processing exception handler is not enabled for the GlobalThread";

    @Override
    public FilterReply decide(final Marker marker, final Logger logger, final Level level, final String format,
                              final Object[] params, final Throwable t) {
        return level == Level.WARN && format != null && STREAMS_CONFIG.equals(logger.getName())
                && format.startsWith(GLOBAL_HANDLER_NOT_ENABLED) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
