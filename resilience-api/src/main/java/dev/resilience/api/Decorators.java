package dev.resilience.api;

import dev.resilience.api.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Wraps a call in several policies, in a chosen order. Each {@code with} wraps everything added
 * before it, so <b>the last policy added is the outermost</b>:
 *
 * <pre>{@code
 * Supplier<Quote> quote = Decorators.ofSupplier(() -> client.quote(symbol))
 *         .with(breaker)   // innermost: records every attempt
 *         .with(retry)     // retries calls the breaker let through
 *         .with(limiter)   // outermost: one permit per logical call
 *         .decorate();
 * }</pre>
 *
 * <p>Decorating is done once; calling the decorated function allocates nothing beyond what the
 * policies themselves do (a {@link Function} captures its argument, so it allocates per call).
 * Every builder here is immutable: {@code with} returns a new one.
 */
public final class Decorators {

    private Decorators() {
    }

    /** Starts decorating a {@link Supplier}. */
    public static <T> OfSupplier<T> ofSupplier(Supplier<T> supplier) {
        Checks.notNull("supplier", supplier);
        return new OfSupplier<>(supplier::get);
    }

    /** Starts decorating a {@link Callable}; its checked exceptions pass through unchanged. */
    public static <T> OfCallable<T> ofCallable(Callable<T> callable) {
        Checks.notNull("callable", callable);
        return new OfCallable<>(callable::call);
    }

    /** Starts decorating a {@link Runnable}. */
    public static OfRunnable ofRunnable(Runnable runnable) {
        Checks.notNull("runnable", runnable);
        return new OfRunnable(() -> {
            runnable.run();
            return null;
        });
    }

    /** Starts decorating a {@link Function}. */
    public static <A, R> OfFunction<A, R> ofFunction(Function<A, R> function) {
        Checks.notNull("function", function);
        return new OfFunction<>(function, List.of());
    }

    /** Starts decorating an asynchronous call; outcomes are recorded when its stage completes. */
    public static <T> OfCompletionStage<T> ofCompletionStage(Supplier<? extends CompletionStage<T>> call) {
        Checks.notNull("call", call);
        return new OfCompletionStage<>(call);
    }

    /** Decorates a {@link Supplier}. */
    public static final class OfSupplier<T> {
        private final ThrowingSupplier<T, RuntimeException> chain;

        private OfSupplier(ThrowingSupplier<T, RuntimeException> chain) {
            this.chain = chain;
        }

        /** Wraps everything so far in {@code policy}. */
        public OfSupplier<T> with(Policy policy) {
            return new OfSupplier<>(wrap(policy, chain));
        }

        /** The decorated supplier. */
        public Supplier<T> decorate() {
            return chain::get;
        }

        /** Calls the decorated supplier once. */
        public T get() {
            return chain.get();
        }
    }

    /** Decorates a {@link Callable}. */
    public static final class OfCallable<T> {
        private final ThrowingSupplier<T, Exception> chain;

        private OfCallable(ThrowingSupplier<T, Exception> chain) {
            this.chain = chain;
        }

        /** Wraps everything so far in {@code policy}. */
        public OfCallable<T> with(Policy policy) {
            return new OfCallable<>(wrap(policy, chain));
        }

        /** The decorated callable. */
        public Callable<T> decorate() {
            return chain::get;
        }

        /** Calls the decorated callable once. */
        public T call() throws Exception {
            return chain.get();
        }
    }

    /** Decorates a {@link Runnable}. */
    public static final class OfRunnable {
        private final ThrowingSupplier<Void, RuntimeException> chain;

        private OfRunnable(ThrowingSupplier<Void, RuntimeException> chain) {
            this.chain = chain;
        }

        /** Wraps everything so far in {@code policy}. */
        public OfRunnable with(Policy policy) {
            return new OfRunnable(wrap(policy, chain));
        }

        /** The decorated runnable. */
        public Runnable decorate() {
            return chain::get;
        }

        /** Runs the decorated runnable once. */
        public void run() {
            chain.get();
        }
    }

    /** Decorates a {@link Function}: the policies are applied around each application. */
    public static final class OfFunction<A, R> {
        private final Function<A, R> function;
        private final List<Policy> policies;

        private OfFunction(Function<A, R> function, List<Policy> policies) {
            this.function = function;
            this.policies = policies;
        }

        /** Wraps everything so far in {@code policy}. */
        public OfFunction<A, R> with(Policy policy) {
            Checks.notNull("policy", policy);
            List<Policy> next = new ArrayList<>(policies);
            next.add(policy);
            return new OfFunction<>(function, List.copyOf(next));
        }

        /** The decorated function. */
        public Function<A, R> decorate() {
            return this::apply;
        }

        /** Applies the decorated function once. */
        public R apply(A argument) {
            ThrowingSupplier<R, RuntimeException> chain = () -> function.apply(argument);
            for (Policy policy : policies) {
                chain = wrap(policy, chain);
            }
            return chain.get();
        }
    }

    /** Decorates an asynchronous call returning a {@link CompletionStage}. */
    public static final class OfCompletionStage<T> {
        private final Supplier<? extends CompletionStage<T>> chain;

        private OfCompletionStage(Supplier<? extends CompletionStage<T>> chain) {
            this.chain = chain;
        }

        /** Wraps everything so far in {@code policy}. */
        public OfCompletionStage<T> with(Policy policy) {
            Checks.notNull("policy", policy);
            Supplier<? extends CompletionStage<T>> inner = chain;
            return new OfCompletionStage<>(() -> policy.callAsync(inner));
        }

        /** The decorated asynchronous call. */
        public Supplier<CompletionStage<T>> decorate() {
            return chain::get;
        }

        /** Starts the decorated call once. */
        public CompletionStage<T> get() {
            return chain.get();
        }
    }

    private static <T, X extends Throwable> ThrowingSupplier<T, X> wrap(Policy policy, ThrowingSupplier<T, X> inner) {
        Checks.notNull("policy", policy);
        return () -> policy.call(inner);
    }
}
