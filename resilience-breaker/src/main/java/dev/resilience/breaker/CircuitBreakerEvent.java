package dev.resilience.breaker;

import dev.resilience.breaker.CircuitBreaker.State;

/**
 * What a {@link CircuitBreaker} tells its listeners. Built only when someone listens.
 *
 * <pre>{@code
 * breaker.subscribe(CircuitBreakerEvent.StateTransition.class,
 *         t -> log.info("{}: {} -> {} ({})", t.breakerName(), t.from(), t.to(), t.reason()));
 * }</pre>
 */
public sealed interface CircuitBreakerEvent {

    /** The breaker's name. */
    String breakerName();

    /** The wall-clock time of the event, in milliseconds since the epoch. */
    long wallMillis();

    /**
     * The breaker changed state.
     *
     * @param breakerName the breaker
     * @param from the state left
     * @param to the state entered
     * @param reason why, e.g. "failure rate 60.0% >= 50.0%"
     * @param wallMillis when
     */
    record StateTransition(String breakerName, State from, State to, String reason, long wallMillis)
            implements CircuitBreakerEvent {
    }

    /**
     * A call was refused.
     *
     * @param breakerName the breaker
     * @param state the state that refused it
     * @param wallMillis when
     */
    record CallNotPermitted(String breakerName, State state, long wallMillis) implements CircuitBreakerEvent {
    }

    /**
     * A trial call did not report within the probe timeout and was counted as failed.
     *
     * @param breakerName the breaker
     * @param wallMillis when
     */
    record ProbeTimedOut(String breakerName, long wallMillis) implements CircuitBreakerEvent {
    }
}
