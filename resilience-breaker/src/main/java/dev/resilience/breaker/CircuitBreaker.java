package dev.resilience.breaker;

import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.EventSource;
import dev.resilience.api.Policy;
import dev.resilience.api.Registry;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.Optional;

/**
 * Stops calling what is failing, and recovers by itself.
 *
 * <p>{@link State#CLOSED}: calls run and their outcomes fill a {@link SlidingWindow}; when the
 * failure rate, the slow-call rate, the combined rate or the run of consecutive failures reaches
 * its threshold the breaker trips to {@link State#OPEN}, where every call is refused at once with
 * a {@link CircuitOpenException} whose {@code retryAfter} is the time until the next probe. After
 * the wait the next call moves it to {@link State#HALF_OPEN} (no background thread), where exactly
 * {@link CircuitBreakerConfig#permittedCallsInHalfOpen()} trial calls are admitted; their outcomes
 * close the breaker or open it again for a wait that may grow with each failed round.
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.of("payments", CircuitBreakerConfig.builder()
 *         .failureRateThreshold(50)
 *         .slowCallThreshold(Duration.ofMillis(500), 80)
 *         .build());
 * try {
 *     Receipt receipt = breaker.call(() -> gateway.charge(order));
 * } catch (CircuitOpenException e) {
 *     respond(503, e.retryAfter());
 * }
 * }</pre>
 *
 * <p>It can never get stuck: every admission is a {@link Permit} settled exactly once, a trial
 * call that does not report within the probe timeout counts as failed, and an outcome reported
 * after the breaker has moved on is not counted. Thread-safe; the closed-state path is lock-free
 * and allocation-free.
 */
public interface CircuitBreaker extends Policy, EventSource<CircuitBreakerEvent> {

    /** A breaker named {@code name} with {@code config}; the factory for {@link Registry#of}. */
    static CircuitBreaker of(String name, CircuitBreakerConfig config) {
        Checks.notBlank("name", name);
        Checks.notNull("config", config);
        return new DefaultCircuitBreaker(name, config);
    }

    /** A breaker with {@link CircuitBreakerConfig#defaults()}. */
    static CircuitBreaker ofDefaults(String name) {
        return of(name, CircuitBreakerConfig.defaults());
    }

    /**
     * A registry of breakers, one per business domain or tenant.
     *
     * <pre>{@code
     * Registry<CircuitBreaker, CircuitBreakerConfig> breakers = CircuitBreaker.registry(CircuitBreakerConfig.defaults());
     * CircuitBreaker payments = breakers.get("payments");
     * }</pre>
     */
    static Registry<CircuitBreaker, CircuitBreakerConfig> registry(CircuitBreakerConfig defaults) {
        return Registry.of(defaults, CircuitBreaker::of);
    }

    /** The breaker's name. */
    String name();

    /** The current state (an open breaker past its wait reports OPEN until the next call). */
    State state();

    /** The current configuration. */
    CircuitBreakerConfig config();

    /**
     * Asks to make one call, for code that runs the call itself. The permit must be settled once
     * with its outcome; {@link Policy#call} and {@link Policy#callAsync} do this for you.
     *
     * <pre>{@code
     * Optional<CircuitBreaker.Permit> permit = breaker.tryAcquirePermission();
     * if (permit.isEmpty()) return fallback();
     * try {
     *     Response r = client.send(request);
     *     permit.get().onResult(r);
     *     return r;
     * } catch (IOException e) {
     *     permit.get().onError(e);
     *     throw e;
     * }
     * }</pre>
     *
     * @return a permit, or empty if the breaker refuses (which counts as a not-permitted call)
     */
    Optional<Permit> tryAcquirePermission();

    /**
     * As {@link #tryAcquirePermission()}, throwing when refused.
     *
     * @throws CircuitOpenException if the breaker refuses the call
     */
    Permit acquirePermission();

    /** Rejects every call until another transition (retry-after unknown). */
    void transitionToForcedOpen();

    /** Permits every call and records nothing until another transition. */
    void transitionToDisabled();

    /** Records every call and publishes its metrics but never trips. */
    void transitionToMetricsOnly();

    /** Back to normal: CLOSED with an empty window and the initial wait. */
    void reset();

    /** Opens the breaker now for {@code duration}, then trial calls decide as usual. */
    void openFor(Duration duration);

    /**
     * Replaces the configuration while live. The state stays; the outcomes already in the window
     * stay (they leave it under the new window's rules).
     */
    void reconfigure(CircuitBreakerConfig config);

    /** A snapshot of the window and the counters. */
    CircuitBreakerMetrics metrics();

    /** MTTF, MTTR and availability over the breaker's whole life. */
    Availability availability();

    /** MTTF, MTTR and availability over the last {@code recent} (periods are clipped to it). */
    Availability availability(Duration recent);

    /** The states of a breaker. */
    enum State {
        /** Normal: calls run, outcomes are judged. */
        CLOSED(true),
        /** Tripped: calls are refused until the wait has passed. */
        OPEN(false),
        /** Trial: a fixed number of calls decide between CLOSED and OPEN. */
        HALF_OPEN(false),
        /** Manually opened: every call is refused until another transition. */
        FORCED_OPEN(false),
        /** Manually switched off: every call runs, nothing is recorded. */
        DISABLED(true),
        /** Every call runs and is recorded, the breaker never trips. */
        METRICS_ONLY(true);

        private final boolean up;

        State(boolean up) {
            this.up = up;
        }

        /** True if calls flow normally in this state (it counts as up time for availability). */
        public boolean isUp() {
            return up;
        }
    }

    /**
     * The right to make one call. Settle it exactly once with the outcome; later settlements, and
     * those of a permit whose breaker has moved on to another state, return false and count
     * nothing. The call's duration is measured from the permit's acquisition.
     */
    interface Permit {

        /** Records a success (a result the breaker does not inspect). */
        boolean onSuccess();

        /** Records a result, judged by {@link CircuitBreakerConfig#failureIfResult()} and {@link CircuitBreakerConfig#openForResult()}. */
        boolean onResult(Object result);

        /** Records an exception, judged by the record and ignore rules. */
        boolean onError(Throwable error);

        /** Gives the permit back: the call did not run or was cancelled; it counts as nothing. */
        boolean cancel();
    }
}
