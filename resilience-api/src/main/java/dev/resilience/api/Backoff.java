package dev.resilience.api;

import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next attempt: used by retries, lock waits and write-behind.
 *
 * <p>A {@code Backoff} is an immutable policy; the caller keeps the attempt number and the
 * previous delay, so one instance serves any number of concurrent retry sequences.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10))
 *         .withJitter(Backoff.Jitter.FULL);
 * long previous = 0;
 * for (int attempt = 1; attempt <= 5; attempt++) {
 *     previous = backoff.delayNanos(attempt, previous);
 *     clock.sleep(previous);
 *     // try again ...
 * }
 * }</pre>
 *
 * <p>The jittered variants follow "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015).
 * With {@link Standard#withRandom(RandomGenerator)} and a seeded generator the sequence is
 * deterministic.
 */
@FunctionalInterface
public interface Backoff {

    /**
     * The delay before retry number {@code attempt}.
     *
     * @param attempt the retry about to be made, 1 for the first retry
     * @param previousDelayNanos the delay returned for the previous attempt, 0 for the first
     * @return the delay in nanoseconds, never negative
     */
    long delayNanos(int attempt, long previousDelayNanos);

    /** The same delay as a {@link Duration}, for code off the hot path. */
    default Duration delay(int attempt, Duration previousDelay) {
        return Duration.ofNanos(delayNanos(attempt, previousDelay.toNanos()));
    }

    /** The same delay for every attempt. */
    static Standard fixed(Duration delay) {
        Checks.nonNegative("delay", delay);
        return new Standard(delay, 1.0, delay, Jitter.NONE, ThreadLocalRandomGenerator.INSTANCE);
    }

    /** {@code initial}, then doubling on each attempt, capped at {@code max}. */
    static Standard exponential(Duration initial, Duration max) {
        return exponential(initial, 2.0, max);
    }

    /** {@code initial × multiplier^(attempt-1)}, capped at {@code max}. */
    static Standard exponential(Duration initial, double multiplier, Duration max) {
        return new Standard(initial, multiplier, max, Jitter.NONE, ThreadLocalRandomGenerator.INSTANCE);
    }

    /**
     * Decorrelated jitter: each delay is random in {@code [base, 3 × previous]}, capped at
     * {@code cap}. Spreads competing clients apart faster than full jitter in practice.
     */
    static Standard decorrelatedJitter(Duration base, Duration cap) {
        return new Standard(base, 3.0, cap, Jitter.DECORRELATED, ThreadLocalRandomGenerator.INSTANCE);
    }

    /** How randomness is mixed into a delay {@code d} computed without it. */
    enum Jitter {
        /** Exactly {@code d}. */
        NONE,
        /** Uniform in {@code [0, d]}: the widest spread, the lowest mean. */
        FULL,
        /** {@code d/2} plus uniform in {@code [0, d/2]}: never shorter than half. */
        EQUAL,
        /** Uniform in {@code [initial, multiplier × previous]}, capped; depends on the previous delay. */
        DECORRELATED
    }

    /**
     * The standard back-off: a base delay grown by a multiplier up to a cap, with a jitter.
     * Made by {@link #fixed}, {@link #exponential} and {@link #decorrelatedJitter}; an immutable
     * value whose {@code with...} methods return modified copies.
     *
     * @param initial the first delay (the lower bound for decorrelated jitter)
     * @param multiplier the growth per attempt, at least 1
     * @param max the cap on any delay, at least {@code initial}
     * @param jitter how randomness is applied
     * @param random the source of randomness; thread-safe unless the caller confines it
     */
    record Standard(Duration initial, double multiplier, Duration max, Jitter jitter, RandomGenerator random)
            implements Backoff {

        /** Validates every component. */
        public Standard {
            Checks.nonNegative("initial", initial);
            Checks.atLeast("multiplier", multiplier, 1.0);
            Checks.nonNegative("max", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max must be at least initial (" + initial + ") but was " + max);
            }
            Checks.notNull("jitter", jitter);
            Checks.notNull("random", random);
        }

        /** A copy with this jitter. */
        public Standard withJitter(Jitter jitter) {
            return new Standard(initial, multiplier, max, jitter, random);
        }

        /** A copy that draws from {@code random}, e.g. {@code new SplittableRandom(42)} for a repeatable sequence. */
        public Standard withRandom(RandomGenerator random) {
            return new Standard(initial, multiplier, max, jitter, random);
        }

        /** A copy with this growth factor per attempt. */
        public Standard withMultiplier(double multiplier) {
            return new Standard(initial, multiplier, max, jitter, random);
        }

        @Override
        public long delayNanos(int attempt, long previousDelayNanos) {
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
            }
            long base = initial.toNanos();
            long cap = max.toNanos();
            switch (jitter) {
                case DECORRELATED: {
                    long upper = (long) Math.min((double) cap, Math.max(base, previousDelayNanos) * multiplier);
                    return upper <= base ? base : random.nextLong(base, upper + 1);
                }
                case FULL: {
                    long d = grown(base, cap, attempt);
                    return random.nextLong(d + 1);
                }
                case EQUAL: {
                    long d = grown(base, cap, attempt);
                    return d / 2 + random.nextLong(d - d / 2 + 1);
                }
                default:
                    return grown(base, cap, attempt);
            }
        }

        private long grown(long base, long cap, int attempt) {
            double grown = base * Math.pow(multiplier, attempt - 1);
            return grown >= cap ? cap : (long) grown;
        }
    }
}

/**
 * Draws from the calling thread's {@link ThreadLocalRandom}, so one default generator is safe and
 * uncontended across threads.
 */
enum ThreadLocalRandomGenerator implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public long nextLong(long bound) {
        return ThreadLocalRandom.current().nextLong(bound);
    }

    @Override
    public long nextLong(long origin, long bound) {
        return ThreadLocalRandom.current().nextLong(origin, bound);
    }

    @Override
    public double nextDouble() {
        return ThreadLocalRandom.current().nextDouble();
    }
}
