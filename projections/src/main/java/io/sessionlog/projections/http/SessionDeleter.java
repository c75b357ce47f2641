package io.sessionlog.projections.http;

import java.util.concurrent.CompletableFuture;

/**
 * Writes the hard delete of one session (ingest's part, given to the read routes by the process that runs both): the
 * future completes once Kafka acknowledged the delete.
 */
@FunctionalInterface
public interface SessionDeleter {

    CompletableFuture<?> delete(String sessionKey);
}
