package dev.resilience.breaker;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The immutable configuration of a {@link CircuitBreaker}, made by {@link #builder()} (which
 * validates every parameter) and changeable at runtime through
 * {@link CircuitBreaker#reconfigure(CircuitBreakerConfig)}.
 *
 * <pre>{@code
 * CircuitBreakerConfig config = CircuitBreakerConfig.builder()
 *         .slidingWindow(SlidingWindow.timeBased(Duration.ofSeconds(10)))
 *         .minimumNumberOfCalls(20)
 *         .failureRateThreshold(50)
 *         .slowCallThreshold(Duration.ofMillis(500), 80)
 *         .waitInOpen(Duration.ofSeconds(5)).exponentialWait(2.0, Duration.ofMinutes(2))
 *         .recordExceptions(IOException.class)
 *         .failureIfResult(response -> ((Response) response).status() == 503)
 *         .build();
 * }</pre>
 *
 * @param slidingWindow which calls are judged
 * @param minimumNumberOfCalls how many calls the window must hold before its rates are judged
 * @param failureRateThreshold the failure rate in percent at or above which the breaker trips
 * @param slowCallRateThreshold the slow-call rate in percent at or above which the breaker trips
 * @param slowCallDuration a call that takes at least this long is slow; zero disables slow calls
 * @param combinedRateThreshold the rate in percent of calls that failed or were slow at or above
 *         which the breaker trips; zero disables it
 * @param consecutiveFailures trips after this many failures in a row, whatever the rates; zero disables it
 * @param waitInOpen how long the breaker stays open before it lets trial calls through
 * @param waitMultiplier the growth of the wait after each failed trial round (1 keeps it fixed)
 * @param maxWaitInOpen the cap on the grown wait
 * @param permittedCallsInHalfOpen how many trial calls are admitted in half-open
 * @param probeTimeout a trial call that has not reported within this time counts as failed
 * @param recordIf which exceptions count as failures (the others as successes)
 * @param ignoreIf which exceptions count as neither (checked before {@code recordIf})
 * @param failureIfResult which results count as failures
 * @param openForResult the time a result opens the breaker for (e.g. a 503 with Retry-After), or
 *         {@code null} when it does not
 * @param clock the source of monotonic time
 */
public record CircuitBreakerConfig(
        SlidingWindow slidingWindow,
        int minimumNumberOfCalls,
        double failureRateThreshold,
        double slowCallRateThreshold,
        Duration slowCallDuration,
        double combinedRateThreshold,
        int consecutiveFailures,
        Duration waitInOpen,
        double waitMultiplier,
        Duration maxWaitInOpen,
        int permittedCallsInHalfOpen,
        Duration probeTimeout,
        Predicate<Throwable> recordIf,
        Predicate<Throwable> ignoreIf,
        Predicate<Object> failureIfResult,
        Function<Object, Duration> openForResult,
        Clock clock) {

    private static final Predicate<Throwable> ALWAYS = e -> true;
    private static final Predicate<Throwable> NEVER = e -> false;
    private static final Predicate<Object> NO_RESULT = r -> false;
    private static final Function<Object, Duration> NO_OPENING = r -> null;
    private static final CircuitBreakerConfig DEFAULTS = builder().build();

    /** Validates every parameter; each failure names the parameter and the value. */
    public CircuitBreakerConfig {
        Checks.notNull("slidingWindow", slidingWindow);
        Checks.positive("minimumNumberOfCalls", minimumNumberOfCalls);
        if (slidingWindow.kind() == SlidingWindow.Kind.COUNT && minimumNumberOfCalls > slidingWindow.size()) {
            throw new IllegalArgumentException("minimumNumberOfCalls must be at most the count window's size ("
                    + slidingWindow.size() + ") but was " + minimumNumberOfCalls);
        }
        percent("failureRateThreshold", failureRateThreshold);
        percent("slowCallRateThreshold", slowCallRateThreshold);
        Checks.nonNegative("slowCallDuration", slowCallDuration);
        if (combinedRateThreshold != 0) {
            percent("combinedRateThreshold", combinedRateThreshold);
        }
        Checks.nonNegative("consecutiveFailures", consecutiveFailures);
        Checks.positive("waitInOpen", waitInOpen);
        Checks.atLeast("waitMultiplier", waitMultiplier, 1.0);
        Checks.notNull("maxWaitInOpen", maxWaitInOpen);
        if (maxWaitInOpen.compareTo(waitInOpen) < 0) {
            throw new IllegalArgumentException(
                    "maxWaitInOpen must be at least waitInOpen (" + waitInOpen + ") but was " + maxWaitInOpen);
        }
        Checks.inRange("permittedCallsInHalfOpen", permittedCallsInHalfOpen, 1, 1_000);
        Checks.positive("probeTimeout", probeTimeout);
        Checks.notNull("recordIf", recordIf);
        Checks.notNull("ignoreIf", ignoreIf);
        Checks.notNull("failureIfResult", failureIfResult);
        Checks.notNull("openForResult", openForResult);
        Checks.notNull("clock", clock);
    }

    /**
     * The defaults: a count window of 100 calls judged from 100 calls, trip at 50 % failures, no
     * slow-call threshold, 60 s open, 10 trial calls with a 60 s probe timeout, every exception a
     * failure, the system clock.
     */
    public static CircuitBreakerConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration, to change a few parameters. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether results must be inspected at all: false keeps the closed path free of predicate calls. */
    boolean inspectsResults() {
        return failureIfResult != NO_RESULT || openForResult != NO_OPENING;
    }

    private static void percent(String name, double value) {
        if (!(value > 0 && value <= 100)) {
            throw new IllegalArgumentException(name + " must be above 0 and at most 100 but was " + value);
        }
    }

    /** Builds a {@link CircuitBreakerConfig}; every parameter is checked by {@link #build()}. */
    public static final class Builder {
        private SlidingWindow slidingWindow = SlidingWindow.countBased(100);
        private Integer minimumNumberOfCalls;
        private double failureRateThreshold = 50;
        private double slowCallRateThreshold = 100;
        private Duration slowCallDuration = Duration.ZERO;
        private double combinedRateThreshold;
        private int consecutiveFailures;
        private Duration waitInOpen = Duration.ofSeconds(60);
        private double waitMultiplier = 1.0;
        private Duration maxWaitInOpen;
        private int permittedCallsInHalfOpen = 10;
        private Duration probeTimeout = Duration.ofSeconds(60);
        private Predicate<Throwable> recordIf = ALWAYS;
        private Predicate<Throwable> ignoreIf = NEVER;
        private Predicate<Object> failureIfResult = NO_RESULT;
        private Function<Object, Duration> openForResult = NO_OPENING;
        private Clock clock = Clock.system();

        private Builder() {
        }

        private Builder(CircuitBreakerConfig config) {
            slidingWindow = config.slidingWindow;
            minimumNumberOfCalls = config.minimumNumberOfCalls;
            failureRateThreshold = config.failureRateThreshold;
            slowCallRateThreshold = config.slowCallRateThreshold;
            slowCallDuration = config.slowCallDuration;
            combinedRateThreshold = config.combinedRateThreshold;
            consecutiveFailures = config.consecutiveFailures;
            waitInOpen = config.waitInOpen;
            waitMultiplier = config.waitMultiplier;
            maxWaitInOpen = config.maxWaitInOpen;
            permittedCallsInHalfOpen = config.permittedCallsInHalfOpen;
            probeTimeout = config.probeTimeout;
            recordIf = config.recordIf;
            ignoreIf = config.ignoreIf;
            failureIfResult = config.failureIfResult;
            openForResult = config.openForResult;
            clock = config.clock;
        }

        /** Which calls are judged (default: the last 100 calls). */
        public Builder slidingWindow(SlidingWindow window) {
            this.slidingWindow = window;
            return this;
        }

        /** Calls the window must hold before it is judged (default: 100, or the count window's size if smaller). */
        public Builder minimumNumberOfCalls(int calls) {
            this.minimumNumberOfCalls = calls;
            return this;
        }

        /** Trips when at least this percentage of the judged calls failed (default 50). */
        public Builder failureRateThreshold(double percent) {
            this.failureRateThreshold = percent;
            return this;
        }

        /** A call lasting at least {@code duration} is slow; trips when {@code percent} of calls were slow. */
        public Builder slowCallThreshold(Duration duration, double percent) {
            this.slowCallDuration = duration;
            this.slowCallRateThreshold = percent;
            return this;
        }

        /** Also trips when at least this percentage of calls failed or were slow (default: off). */
        public Builder combinedRateThreshold(double percent) {
            this.combinedRateThreshold = percent;
            return this;
        }

        /** Also trips after this many failures in a row (default: off). */
        public Builder consecutiveFailures(int failures) {
            this.consecutiveFailures = failures;
            return this;
        }

        /** How long to stay open before letting trial calls through (default 60 s). */
        public Builder waitInOpen(Duration wait) {
            this.waitInOpen = wait;
            return this;
        }

        /** Multiplies the wait by {@code multiplier} after each failed trial round, up to {@code max}. */
        public Builder exponentialWait(double multiplier, Duration max) {
            this.waitMultiplier = multiplier;
            this.maxWaitInOpen = max;
            return this;
        }

        /** How many trial calls half-open admits (default 10). */
        public Builder permittedCallsInHalfOpen(int calls) {
            this.permittedCallsInHalfOpen = calls;
            return this;
        }

        /** A trial call that has not reported within this time counts as failed (default 60 s). */
        public Builder probeTimeout(Duration timeout) {
            this.probeTimeout = timeout;
            return this;
        }

        /**
         * Counts only exceptions of these types (and of {@link #recordIf} predicates) as failures;
         * other exceptions count as successes. Adds to earlier record rules.
         */
        public Builder recordExceptions(Class<?>... types) {
            return recordIf(instanceOfAny("recordExceptions", types));
        }

        /** Counts exceptions matching {@code predicate} as failures; adds to earlier record rules. */
        public Builder recordIf(Predicate<Throwable> predicate) {
            Checks.notNull("recordIf", predicate);
            this.recordIf = recordIf == ALWAYS ? predicate : recordIf.or(predicate);
            return this;
        }

        /** Counts exceptions of these types as neither success nor failure. */
        public Builder ignoreExceptions(Class<?>... types) {
            return ignoreIf(instanceOfAny("ignoreExceptions", types));
        }

        /** Counts exceptions matching {@code predicate} as neither success nor failure. */
        public Builder ignoreIf(Predicate<Throwable> predicate) {
            Checks.notNull("ignoreIf", predicate);
            this.ignoreIf = ignoreIf == NEVER ? predicate : ignoreIf.or(predicate);
            return this;
        }

        /** Counts results matching {@code predicate} (say, an HTTP 503) as failures. */
        public Builder failureIfResult(Predicate<Object> predicate) {
            this.failureIfResult = predicate;
            return this;
        }

        /**
         * Opens the breaker for the returned time when a result calls for it (say, a 429 with
         * Retry-After); the function returns {@code null} for ordinary results.
         */
        public Builder openForResult(Function<Object, Duration> openFor) {
            this.openForResult = openFor;
            return this;
        }

        /** The clock (default {@link Clock#system()}; tests pass a {@link dev.resilience.api.ManualClock}). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException naming the first invalid parameter and its value
         */
        public CircuitBreakerConfig build() {
            int minimum = minimumNumberOfCalls != null ? minimumNumberOfCalls
                    : slidingWindow != null && slidingWindow.kind() == SlidingWindow.Kind.COUNT
                            ? (int) Math.min(100, slidingWindow.size()) : 100;
            return new CircuitBreakerConfig(slidingWindow, minimum, failureRateThreshold, slowCallRateThreshold,
                    slowCallDuration, combinedRateThreshold, consecutiveFailures, waitInOpen, waitMultiplier,
                    maxWaitInOpen != null ? maxWaitInOpen : waitInOpen, permittedCallsInHalfOpen, probeTimeout,
                    recordIf, ignoreIf, failureIfResult, openForResult, clock);
        }

        static Predicate<Throwable> instanceOfAny(String name, Class<?>... types) {
            Checks.notNull(name, types);
            for (Class<?> type : types) {
                if (type == null || !Throwable.class.isAssignableFrom(type)) {
                    throw new IllegalArgumentException(name + " must list Throwable types but listed " + type);
                }
            }
            List<Class<?>> list = List.of(types);
            return e -> {
                for (Class<?> type : list) {
                    if (type.isInstance(e)) {
                        return true;
                    }
                }
                return false;
            };
        }
    }
}
