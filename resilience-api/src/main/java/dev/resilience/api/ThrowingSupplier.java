package dev.resilience.api;

/**
 * A call that returns a value and may throw {@code X}. A lambda that throws nothing checked infers
 * {@code X = RuntimeException}, so {@code policy.call(() -> service.get())} needs no try block,
 * while {@code policy.call(() -> Files.readString(path))} declares its {@code IOException}.
 *
 * @param <T> the result type
 * @param <X> the checked exception the call may throw
 */
@FunctionalInterface
public interface ThrowingSupplier<T, X extends Throwable> {

    /** Makes the call. */
    T get() throws X;
}
