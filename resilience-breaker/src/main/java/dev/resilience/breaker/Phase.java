package dev.resilience.breaker;

import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.Clock;
import dev.resilience.breaker.CircuitBreaker.State;

/** State, generation and configuration, swapped as one. */
final class Phase {
    final State state;
    final long generation;
    final CircuitBreakerConfig config;
    final Window window;
    final Clock clock;
    /** CLOSED or METRICS_ONLY: outcomes go to the window without a permit. */
    final boolean recording;
    final long slowNanos;
    /** Whether an outcome needs the clock: a time window, a slow-call threshold or a trial. */
    final boolean needsNow;
    final boolean inspectsResults;
    final int consecutiveLimit;
    final long probeTimeoutNanos;
    /** OPEN: when the first trial call may go. */
    final long probeAtNanos;
    final int failedRounds;
    final Trial trial;
    /** The rejection thrown by this phase, built once (no stack trace, retry-after read lazily). */
    final CircuitOpenException rejection;
    private final String name;

    Phase(String name, State state, long generation, CircuitBreakerConfig config, Window window, long probeAtNanos,
            int failedRounds) {
        this.name = name;
        this.state = state;
        this.generation = generation;
        this.config = config;
        this.window = window;
        this.clock = config.clock();
        this.recording = state == State.CLOSED || state == State.METRICS_ONLY;
        this.slowNanos = config.slowCallDuration().toNanos();
        this.needsNow = slowNanos > 0 || window.timeBased() || state == State.HALF_OPEN;
        this.inspectsResults = config.inspectsResults();
        this.consecutiveLimit = config.consecutiveFailures();
        this.probeTimeoutNanos = config.probeTimeout().toNanos();
        this.probeAtNanos = probeAtNanos;
        this.failedRounds = failedRounds;
        this.trial = state == State.HALF_OPEN ? new Trial(config.permittedCallsInHalfOpen()) : null;
        this.rejection = state == State.OPEN ? new Rejection(name, clock, probeAtNanos)
                : state == State.HALF_OPEN || state == State.FORCED_OPEN ? new Rejection(name, clock, -1) : null;
    }

    /** The next generation in {@code state}. */
    Phase next(State state, long probeAtNanos, int failedRounds) {
        return new Phase(name, state, generation + 1, config, window, probeAtNanos, failedRounds);
    }

    /** The same generation under a new configuration (in-flight outcomes still count). */
    Phase reconfigured(CircuitBreakerConfig config, Window window) {
        return new Phase(name, state, generation, config, window, probeAtNanos, failedRounds);
    }

    /** The wait after {@code rounds} failed trial rounds: grown by the multiplier, capped. */
    long waitNanos(int rounds) {
        double grown = config.waitInOpen().toNanos() * Math.pow(config.waitMultiplier(), rounds);
        long max = config.maxWaitInOpen().toNanos();
        return grown >= max ? max : (long) grown;
    }
}

/** A rejection whose retry-after is the time left until the phase's probe, read when asked. */
final class Rejection extends CircuitOpenException {
    private static final long serialVersionUID = 1L;
    private final transient Clock clock;
    private final long probeAtNanos;

    Rejection(String breaker, Clock clock, long probeAtNanos) {
        super(breaker, UNKNOWN);
        this.clock = clock;
        this.probeAtNanos = probeAtNanos;
    }

    /** Named as the public type, so logs show no internal class. */
    @Override
    public String toString() {
        return CircuitOpenException.class.getName() + " [" + code() + "]: " + getMessage();
    }

    @Override
    public long retryAfterNanos() {
        return probeAtNanos == UNKNOWN || clock == null ? UNKNOWN : Math.max(0, probeAtNanos - clock.nanoTime());
    }
}
