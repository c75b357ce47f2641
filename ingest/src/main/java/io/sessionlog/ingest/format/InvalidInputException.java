package io.sessionlog.ingest.format;

import java.util.List;

import io.sessionlog.http.FieldError;

/** A request or batch refused whole: every invalid item with its field and reason. Nothing of it was written. */
public final class InvalidInputException extends RuntimeException {

    private final List<FieldError> errors;
    private final int items;

    public InvalidInputException(final List<FieldError> errors, final int items) {
        super(errors.size() + " problem(s) in " + items + " item(s); nothing of this request was written");
        this.errors = List.copyOf(errors);
        this.items = items;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public int items() {
        return items;
    }
}
