package dev.resilience.breaker;

import dev.resilience.breaker.CircuitBreaker.State;

/**
 * A snapshot of a breaker: its state, the rates of its window, and its lifetime counters.
 *
 * <pre>{@code
 * CircuitBreakerMetrics m = breaker.metrics();
 * gauge("breaker.failure_rate", m.failureRate());
 * }</pre>
 *
 * @param state the state
 * @param failureRate failures in percent of the window's calls, or -1 below the minimum number of calls
 * @param slowCallRate slow calls in percent of the window's calls, or -1 below the minimum number of calls
 * @param windowCalls the calls in the window
 * @param windowFailures the failed calls in the window
 * @param windowSlowCalls the slow calls in the window (failed or not)
 * @param successfulCalls successes recorded over the breaker's life (trial calls included)
 * @param failedCalls failures recorded over the breaker's life (trial calls included)
 * @param slowCalls slow calls recorded over the breaker's life
 * @param ignoredCalls calls whose exception was ignored
 * @param notPermittedCalls calls refused
 */
public record CircuitBreakerMetrics(
        State state,
        double failureRate,
        double slowCallRate,
        long windowCalls,
        long windowFailures,
        long windowSlowCalls,
        long successfulCalls,
        long failedCalls,
        long slowCalls,
        long ignoredCalls,
        long notPermittedCalls) {
}
