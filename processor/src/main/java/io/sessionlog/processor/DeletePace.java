package io.sessionlog.processor;

import java.time.Duration;

/**
 * The pace of a tail delete's re-emission: at most {@code stepEvents} stored events read per step, a step every
 * {@code interval} while walks are pending (processor.delete.step.events, processor.delete.step.interval.ms).
 */
record DeletePace(int stepEvents, Duration interval) {
}
