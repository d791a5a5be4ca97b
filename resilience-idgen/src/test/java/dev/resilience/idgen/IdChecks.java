package dev.resilience.idgen;

import dev.resilience.testkit.Concurrently;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/** The invariants every id source must keep, checked the same way for each. */
final class IdChecks {

    private IdChecks() {
    }

    static void assertStrictlyIncreasing(long[] ids) {
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] <= ids[i - 1]) {
                throw new AssertionError("id " + i + " (" + ids[i] + ") is not above id " + (i - 1) + " (" + ids[i - 1] + ")");
            }
        }
    }

    /**
     * Draws {@code perThread} ids on each of {@code threads} threads from {@code source.apply(thread)},
     * asserts that each thread's ids strictly increase and that no id appears twice overall, and
     * returns each thread's ids.
     */
    static List<long[]> drawConcurrently(int threads, int perThread, IntFunction<LongSupplier> source) {
        List<long[]> results = Concurrently.run(threads, thread -> {
            LongSupplier ids = source.apply(thread);
            long[] out = new long[perThread];
            for (int i = 0; i < perThread; i++) {
                out[i] = ids.getAsLong();
            }
            return out;
        }).valuesOrThrow();
        long[] all = new long[threads * perThread];
        for (int t = 0; t < threads; t++) {
            assertStrictlyIncreasing(results.get(t));
            System.arraycopy(results.get(t), 0, all, t * perThread, perThread);
        }
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            if (all[i] == all[i - 1]) {
                throw new AssertionError("duplicate id " + all[i]);
            }
        }
        return results;
    }
}
