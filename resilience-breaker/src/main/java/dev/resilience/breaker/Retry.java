package dev.resilience.breaker;

import dev.resilience.api.EventSource;
import dev.resilience.api.Policy;
import dev.resilience.api.Registry;
import dev.resilience.api.internal.Checks;

/**
 * Tries a call again after a failure, waiting a {@link dev.resilience.api.Backoff} between
 * attempts, up to a number of attempts and an overall deadline.
 *
 * <p>The synchronous {@link #call} sleeps on the configured clock between attempts; the
 * asynchronous {@link #callAsync} schedules each retry on the configured scheduler and blocks no
 * thread. When attempts run out, the last exception reaches the caller unchanged (or, for a
 * retried result, the last result is returned). A {@link dev.resilience.api.RejectedException}
 * from an inner policy is not retried unless {@link RetryConfig#retryRejections()} says so.
 *
 * <pre>{@code
 * Retry retry = Retry.of("quotes", RetryConfig.builder().maxAttempts(3).build());
 * Quote quote = Decorators.ofSupplier(() -> client.quote(symbol))
 *         .with(breaker)   // inside: each attempt is recorded by the breaker
 *         .with(retry)
 *         .get();
 * }</pre>
 */
public interface Retry extends Policy, EventSource<RetryEvent> {

    /** A retry named {@code name} with {@code config}; the factory for {@link Registry#of}. */
    static Retry of(String name, RetryConfig config) {
        Checks.notBlank("name", name);
        Checks.notNull("config", config);
        return new DefaultRetry(name, config);
    }

    /** A retry with {@link RetryConfig#defaults()}. */
    static Retry ofDefaults(String name) {
        return of(name, RetryConfig.defaults());
    }

    /** The retry's name. */
    String name();

    /** The configuration. */
    RetryConfig config();

    /** The counters so far. */
    RetryMetrics metrics();
}
