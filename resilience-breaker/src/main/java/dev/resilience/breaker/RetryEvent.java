package dev.resilience.breaker;

import java.time.Duration;

/**
 * What a {@link Retry} tells its listeners, one event per attempt that is retried and one at the
 * end. Built only when someone listens.
 *
 * <pre>{@code
 * retry.subscribe(RetryEvent.Retrying.class,
 *         r -> log.info("{} attempt {} failed ({}), retrying in {}", r.retryName(), r.attempt(), r.error(), r.delay()));
 * }</pre>
 */
public sealed interface RetryEvent {

    /** The retry's name. */
    String retryName();

    /** The attempts made so far. */
    int attempt();

    /**
     * An attempt failed (or returned a result to retry); the next one follows after {@code delay}.
     *
     * @param retryName the retry
     * @param attempt the attempt that failed, 1 for the first
     * @param delay the wait before the next attempt
     * @param error the failure, or {@code null} for a retried result
     */
    record Retrying(String retryName, int attempt, Duration delay, Throwable error) implements RetryEvent {
    }

    /**
     * The call succeeded.
     *
     * @param retryName the retry
     * @param attempt the attempt that succeeded
     */
    record Succeeded(String retryName, int attempt) implements RetryEvent {
    }

    /**
     * No attempt is left (or the deadline would pass): the last outcome goes to the caller.
     *
     * @param retryName the retry
     * @param attempt the attempts made
     * @param error the last failure, or {@code null} if the last result was one to retry
     */
    record Exhausted(String retryName, int attempt, Throwable error) implements RetryEvent {
    }

    /**
     * The failure is not one to retry; it goes to the caller at once.
     *
     * @param retryName the retry
     * @param attempt the attempt that failed
     * @param error the failure
     */
    record NotRetried(String retryName, int attempt, Throwable error) implements RetryEvent {
    }
}
