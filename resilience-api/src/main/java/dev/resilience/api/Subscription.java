package dev.resilience.api;

/**
 * A listener's registration; closing it unsubscribes. Closing twice is harmless.
 *
 * <pre>{@code
 * try (Subscription s = limiter.subscribe(events::add)) {
 *     ...
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** Stops delivering events to the listener. */
    @Override
    void close();
}
