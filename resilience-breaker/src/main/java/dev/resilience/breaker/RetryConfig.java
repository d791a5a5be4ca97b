package dev.resilience.breaker;

import dev.resilience.api.Backoff;
import dev.resilience.api.Clock;
import dev.resilience.api.RejectedException;
import dev.resilience.api.Scheduler;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The immutable configuration of a {@link Retry}, made by {@link #builder()}.
 *
 * <pre>{@code
 * RetryConfig config = RetryConfig.builder()
 *         .maxAttempts(4)
 *         .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2)).withJitter(Backoff.Jitter.FULL))
 *         .maxDuration(Duration.ofSeconds(5))
 *         .retryOnExceptions(IOException.class)
 *         .retryOnResult(response -> ((Response) response).status() == 503)
 *         .build();
 * }</pre>
 *
 * @param maxAttempts the most attempts, the first included (1 means no retry)
 * @param backoff the wait before each retry
 * @param maxDuration the overall deadline from the first attempt: no retry starts after it, and a
 *         retry whose wait would end after it is not made; zero means none
 * @param retryOn which exceptions are retried
 * @param retryOnResult which results are retried (the last one is returned when attempts run out)
 * @param retryRejections whether a {@link RejectedException} from an inner policy (an open
 *         breaker, a rate limiter) is retried; off by default, since waiting out a rejection is
 *         the caller's decision
 * @param clock the clock the synchronous retry sleeps on
 * @param scheduler the timer the asynchronous retry schedules its attempts on
 */
public record RetryConfig(int maxAttempts, Backoff backoff, Duration maxDuration, Predicate<Throwable> retryOn,
        Predicate<Object> retryOnResult, boolean retryRejections, Clock clock, Scheduler scheduler) {

    private static final Predicate<Throwable> EXCEPTIONS = e -> e instanceof Exception;
    private static final Predicate<Object> NO_RESULT = r -> false;
    private static final RetryConfig DEFAULTS = builder().build();

    /** Validates every parameter. */
    public RetryConfig {
        Checks.inRange("maxAttempts", maxAttempts, 1, 1_000_000);
        Checks.notNull("backoff", backoff);
        Checks.nonNegative("maxDuration", maxDuration);
        Checks.notNull("retryOn", retryOn);
        Checks.notNull("retryOnResult", retryOnResult);
        Checks.notNull("clock", clock);
        Checks.notNull("scheduler", scheduler);
    }

    /**
     * The defaults: 3 attempts, exponential back-off from 100 ms doubling to 10 s with full
     * jitter, no deadline, every {@link Exception} retried (not errors, not rejections), the
     * system clock and the library's shared timer.
     */
    public static RetryConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether results must be inspected at all. */
    boolean inspectsResults() {
        return retryOnResult != NO_RESULT;
    }

    /** Builds a {@link RetryConfig}; {@link #build()} checks every parameter. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10))
                .withJitter(Backoff.Jitter.FULL);
        private Duration maxDuration = Duration.ZERO;
        private Predicate<Throwable> retryOn = EXCEPTIONS;
        private Predicate<Object> retryOnResult = NO_RESULT;
        private boolean retryRejections;
        private Clock clock = Clock.system();
        private Scheduler scheduler;

        private Builder() {
        }

        private Builder(RetryConfig config) {
            maxAttempts = config.maxAttempts;
            backoff = config.backoff;
            maxDuration = config.maxDuration;
            retryOn = config.retryOn;
            retryOnResult = config.retryOnResult;
            retryRejections = config.retryRejections;
            clock = config.clock;
            scheduler = config.scheduler;
        }

        /** The most attempts, the first included (default 3). */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /** The wait before each retry (default: exponential 100 ms to 10 s, full jitter). */
        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        /** The overall deadline from the first attempt (default: none). */
        public Builder maxDuration(Duration duration) {
            this.maxDuration = duration;
            return this;
        }

        /** Retries only exceptions of these types (replacing the default of every exception). */
        public Builder retryOnExceptions(Class<?>... types) {
            return retryOn(CircuitBreakerConfig.Builder.instanceOfAny("retryOnExceptions", types));
        }

        /** Retries exceptions matching {@code predicate} (replacing earlier rules). */
        public Builder retryOn(Predicate<Throwable> predicate) {
            this.retryOn = predicate;
            return this;
        }

        /** Retries results matching {@code predicate}, e.g. a 503 response. */
        public Builder retryOnResult(Predicate<Object> predicate) {
            this.retryOnResult = predicate;
            return this;
        }

        /** Whether to retry rejections of inner policies (default false). */
        public Builder retryRejections(boolean retry) {
            this.retryRejections = retry;
            return this;
        }

        /** The clock (default {@link Clock#system()}; tests pass a {@link dev.resilience.api.ManualClock}). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The timer of asynchronous retries (default {@link Scheduler#shared()}). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException naming the first invalid parameter and its value
         */
        public RetryConfig build() {
            return new RetryConfig(maxAttempts, backoff, maxDuration, retryOn, retryOnResult, retryRejections, clock,
                    scheduler != null ? scheduler : Scheduler.shared());
        }
    }
}
