package io.sessionlog.processor;

import java.util.HashMap;
import java.util.Map;

/**
 * A processor in a JVM of its own, for the crash test to kill with SIGKILL: {@code <settings as key=value>...}.
 * It runs until killed; it never closes.
 */
public final class CrashTestProcessorMain {

    private CrashTestProcessorMain() {
    }

    public static void main(final String[] args) throws InterruptedException {
        final Map<String, String> settings = new HashMap<>();
        for (final String arg : args) {
            final int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        final ProcessorService processor = new ProcessorService(new ProcessorConfig(settings));
        processor.start();
        System.out.println("processor started");
        Thread.currentThread().join();
    }
}
