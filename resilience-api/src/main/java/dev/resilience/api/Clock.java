package dev.resilience.api;

import java.util.concurrent.locks.LockSupport;

/**
 * The source of time for every time-dependent part of the library.
 *
 * <p>Two readings with different jobs: {@link #nanoTime()} is monotonic and drives every decision
 * (refill, windows, timeouts, leases), so a wall-clock jump changes none of them;
 * {@link #wallMillis()} is the calendar time, used only where a timestamp leaves the process
 * (ids, events, Redis values).
 *
 * <p>Production code uses {@link #system()}; tests inject a {@link ManualClock} and move time
 * themselves, so no test sleeps to wait for a window.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.tokenBucket().clock(Clock.system())...build();
 * }</pre>
 */
public interface Clock {

    /** Monotonic time in nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the Unix epoch; it may jump in either direction. */
    long wallMillis();

    /**
     * Waits until {@code nanos} have passed on this clock. The system clock parks the thread
     * (interruptibly, without pinning a virtual thread); a {@link ManualClock} advances itself.
     *
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    void sleep(long nanos) throws InterruptedException;

    /** The JVM's clocks: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}

/** The clock of the JVM. An enum so there is exactly one and calls through it inline. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long wallMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        // Thread.sleep rounds to milliseconds on some platforms; a pacer spacing calls 100 µs
        // apart needs the park's precision, re-parking after early (spurious) wake-ups.
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while sleeping");
            }
        }
    }
}
