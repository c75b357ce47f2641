package io.sessionlog.benchmarks;

import java.util.Arrays;
import java.util.Random;

/** Which session the i-th raw event of a benchmark belongs to. */
interface Workload {

    String session(int i);

    /** Every session in turn, one event each: no two events of a session near each other. */
    static Workload roundRobin(final int sessions) {
        return i -> "bench-" + (i % sessions);
    }

    /**
     * Conversations as they arrive: turns of 4 to 10 events (a user message, statuses, tool calls, an answer) spread
     * over 1 to 3 seconds, in sessions drawn by a Zipf law (a few very active, most rarely), turns starting at random
     * over the run; the events of all turns in the order of their times, for {@code events} events at {@code rate}
     * events/s. Deterministic for a seed.
     */
    static Workload bursty(final int events, final int sessions, final int rate, final long seed) {
        final Random random = new Random(seed);
        final double[] cumulative = new double[sessions];
        double sum = 0;
        for (int k = 0; k < sessions; k++) {
            sum += 1.0 / (k + 1);
            cumulative[k] = sum;
        }
        final double seconds = (double) events / rate;
        final long[] timed = new long[events];
        int made = 0;
        while (made < events) {
            int session = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            session = session < 0 ? -session - 1 : session;
            final int turn = Math.min(4 + random.nextInt(7), events - made);
            final double start = random.nextDouble() * seconds;
            final double length = 1 + 2 * random.nextDouble();
            for (int j = 0; j < turn; j++) {
                final double at = start + (turn == 1 ? 0 : length * j / (turn - 1));
                // Time in microseconds in the high bits, the session in the low 20: sorting orders events by time.
                timed[made++] = ((long) (at * 1e6) << 20) | session;
            }
        }
        Arrays.sort(timed);
        final int[] order = new int[events];
        for (int i = 0; i < events; i++) {
            order[i] = (int) (timed[i] & 0xFFFFF);
        }
        return i -> "z-" + order[i % events];
    }
}
