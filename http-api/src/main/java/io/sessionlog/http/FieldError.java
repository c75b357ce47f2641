package io.sessionlog.http;

/** One invalid item of a request: its index in the request (0 for a single object), the field, and why. */
public record FieldError(int index, String field, String reason) {
}
