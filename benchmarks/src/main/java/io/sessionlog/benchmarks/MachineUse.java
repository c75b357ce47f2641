package io.sessionlog.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What this process took of the machine over a measurement: cores busy, JIT compilation and GC pauses. On 2 cores
 * shared by broker, roles and load, these explain a latency tail better than the tail alone.
 */
final class MachineUse {

    private final long startNanos = System.nanoTime();
    private final long startCpuNanos = cpuNanos();
    private final long startCompileMillis = compileMillis();
    private final long startGcCount = gc(true);
    private final long startGcMillis = gc(false);

    private MachineUse() {
    }

    static MachineUse start() {
        return new MachineUse();
    }

    String summary() {
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        final long collections = gc(true) - startGcCount;
        return String.format(Locale.ROOT, "%.2f of %d cores busy, JIT compiling %.1f s, %d GC pauses (%.0f ms in all, %.1f ms each on average)",
                (cpuNanos() - startCpuNanos) / 1e9 / seconds, Runtime.getRuntime().availableProcessors(),
                (compileMillis() - startCompileMillis) / 1000.0, collections, (double) gc(false) - startGcMillis,
                collections == 0 ? 0.0 : (double) (gc(false) - startGcMillis) / collections);
    }

    /** CPU time of the whole process since the start, per unit of work (events): what a change costs, less noisy than a rate. */
    double cpuMicrosPer(final long units) {
        return units == 0 ? Double.NaN : (cpuNanos() - startCpuNanos) / 1e3 / units;
    }

    private static long cpuNanos() {
        return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
    }

    private static long compileMillis() {
        final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static long gc(final boolean count) {
        long total = 0;
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, count ? collector.getCollectionCount() : collector.getCollectionTime());
        }
        return total;
    }
}
