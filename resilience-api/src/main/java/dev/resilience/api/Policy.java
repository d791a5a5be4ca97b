package dev.resilience.api;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The decorator contract: anything that guards a call (a rate limiter, a circuit breaker, a
 * retry) runs it through these two methods, so policies wrap any call and compose in any order
 * with {@link Decorators}.
 *
 * <pre>{@code
 * Receipt receipt = breaker.call(() -> gateway.charge(order));        // checked exceptions pass through
 * CompletionStage<Quote> quote = limiter.callAsync(() -> client.quoteAsync(symbol));
 * }</pre>
 *
 * <p>A policy that refuses a call throws (or, asynchronously, completes exceptionally with) a
 * {@link RejectedException}; an exception thrown by the call itself reaches the caller unchanged,
 * after the policy has recorded it.
 */
public interface Policy {

    /**
     * Runs {@code call} under this policy, in the calling thread.
     *
     * @throws X whatever the call throws
     * @throws RejectedException if the policy refuses to run the call
     */
    <T, X extends Throwable> T call(ThrowingSupplier<? extends T, X> call) throws X;

    /**
     * Runs an asynchronous call under this policy. The outcome and duration are recorded when the
     * returned stage completes, not when {@code call} returns. A refusal is returned as a stage
     * that completes exceptionally with a {@link RejectedException}; {@code call} is not invoked.
     */
    <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> call);

    /** Runs a call with no result under this policy. */
    default <X extends Throwable> void run(ThrowingRunnable<X> call) throws X {
        this.<Object, X>call(() -> {
            call.run();
            return null;
        });
    }
}
