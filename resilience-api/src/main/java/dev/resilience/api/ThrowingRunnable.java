package dev.resilience.api;

/**
 * A call with no result that may throw {@code X}; see {@link ThrowingSupplier}.
 *
 * @param <X> the checked exception the call may throw
 */
@FunctionalInterface
public interface ThrowingRunnable<X extends Throwable> {

    /** Makes the call. */
    void run() throws X;
}
