package dev.resilience.breaker;

import static dev.resilience.breaker.DefaultCircuitBreaker.FAILURE;
import static dev.resilience.breaker.DefaultCircuitBreaker.SUCCESS;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/** One round of trial calls in HALF_OPEN: who was admitted when, and what they reported. */
final class Trial {
    private static final long NOT_YET = Long.MIN_VALUE;
    final int permitted;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicLongArray admittedAt;
    private final AtomicIntegerArray settled;
    private final AtomicInteger reported = new AtomicInteger();
    final AtomicInteger successes = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger slow = new AtomicInteger();
    final AtomicInteger slowFailures = new AtomicInteger();

    Trial(int permitted) {
        this.permitted = permitted;
        this.admittedAt = new AtomicLongArray(permitted);
        this.settled = new AtomicIntegerArray(permitted);
        for (int i = 0; i < permitted; i++) {
            admittedAt.set(i, NOT_YET);
        }
    }

    /** A slot for one more trial call, or -1 if all were given out. */
    int admit(long now) {
        for (int n; (n = admitted.get()) < permitted; ) {
            if (admitted.compareAndSet(n, n + 1)) {
                admittedAt.set(n, now);
                return n;
            }
        }
        return -1;
    }

    /** Counts the outcome of {@code slot} if it was not counted yet (by its call or a timeout). */
    boolean settle(int slot, int outcome, boolean isSlow) {
        if (!settled.compareAndSet(slot, 0, 1)) {
            return false;
        }
        if (outcome == SUCCESS) {
            successes.incrementAndGet();
        } else if (outcome == FAILURE) {
            failures.incrementAndGet();
        }
        if (isSlow) {
            slow.incrementAndGet();
            if (outcome == FAILURE) {
                slowFailures.incrementAndGet();
            }
        }
        reported.incrementAndGet();
        return true;
    }

    /** Settles as failed every trial call admitted at least {@code timeout} ago; how many it settled. */
    int reap(long now, long timeout) {
        long first = admittedAt.get(0);
        if (first == NOT_YET || now - first < timeout) {
            return 0; // the first admitted call is the oldest: if it is within its time, all are
        }
        int reaped = 0;
        for (int i = 0; i < permitted; i++) {
            long at = admittedAt.get(i);
            if (at != NOT_YET && now - at >= timeout && settle(i, FAILURE, false)) {
                reaped++;
            }
        }
        return reaped;
    }

    boolean isComplete() {
        return reported.get() == permitted;
    }

    long judged() {
        return successes.get() + failures.get();
    }

    @Override
    public String toString() {
        return successes.get() + " succeeded, " + failures.get() + " failed, " + slow.get() + " slow of "
                + permitted;
    }
}
