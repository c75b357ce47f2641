package io.sessionlog.registry;

/** An answer in Confluent's error format: {@code {"error_code": 40401, "message": "..."}} with an HTTP status. */
final class RegistryError extends RuntimeException {

    private final int status;
    private final int errorCode;

    RegistryError(final int status, final int errorCode, final String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    int status() {
        return status;
    }

    int errorCode() {
        return errorCode;
    }
}
