package io.sessionlog.ingest.format;

import java.util.List;


/** A request or batch refused whole: every invalid item with its field and reason. Nothing of it was written. */
public final class InvalidInputException extends RuntimeException {

    private final List<FieldError> errors;
    private final int items;

    public InvalidInputException(final List<FieldError> errors, final int items) {
        this(errors.size() + " problem(s) in " + items + " item(s); nothing of this request was written", errors, items);
    }

    /** A refusal of the whole body (not JSON, not UTF-8, empty), with what is wrong in {@code detail}. */
    public InvalidInputException(final String detail, final List<FieldError> errors, final int items) {
        super(detail);
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
