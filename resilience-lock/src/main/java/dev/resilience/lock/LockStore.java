package dev.resilience.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where locks live: one Redis, a quorum of Redis masters, or this JVM. The client above it adds
 * leases, reentrancy, renewal and waiting, the same for every store.
 */
interface LockStore extends AutoCloseable {

    /**
     * Sets the lock to {@code token} for {@code ttlMillis} unless someone holds it, and issues the
     * next fencing token in the same atomic step.
     *
     * @return the fencing token (positive) if granted; otherwise zero or the negated time in
     *         milliseconds the current holder has left
     * @throws dev.resilience.api.ResilienceException ({@code REDIS_UNAVAILABLE}) if the store did not answer in time
     * @throws InterruptedException if interrupted while waiting for the answer
     */
    long acquire(String name, String token, long ttlMillis) throws InterruptedException;

    /** {@link #acquire} without blocking; fails with {@code REDIS_UNAVAILABLE} as it would throw. */
    CompletableFuture<Long> acquireAsync(String name, String token, long ttlMillis);

    /** Deletes the lock if it still holds {@code token}; true if it did. */
    boolean release(String name, String token);

    /** {@link #release} without blocking. */
    CompletableFuture<Boolean> releaseAsync(String name, String token);

    /** Extends the lock to {@code ttlMillis} if it still holds {@code token}: true if it did. */
    CompletionStage<Boolean> extend(String name, String token, long ttlMillis);

    /** Sends the extensions issued since the last flush, as one batch. */
    default void flush() {
    }

    /**
     * Delivers the name of every lock released from now on to {@code onReleased}; returns once
     * the subscription is in place, so a check made after it cannot miss a release.
     */
    void listen(Consumer<String> onReleased);

    @Override
    void close();
}
