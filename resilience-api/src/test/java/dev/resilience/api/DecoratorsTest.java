package dev.resilience.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DecoratorsTest {

    /** A policy that records when it is entered and left, and can refuse. */
    static final class Recording implements Policy {
        final String name;
        final List<String> log;
        boolean refuse;

        Recording(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public <T, X extends Throwable> T call(ThrowingSupplier<? extends T, X> call) throws X {
            log.add(name + ">");
            if (refuse) {
                throw new RateLimitedException(name, 0);
            }
            try {
                return call.get();
            } finally {
                log.add("<" + name);
            }
        }

        @Override
        public <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> call) {
            log.add(name + ">");
            if (refuse) {
                return CompletableFuture.failedFuture(new RateLimitedException(name, 0));
            }
            return call.get().whenComplete((r, e) -> log.add("<" + name));
        }
    }

    @Test
    void theLastPolicyAddedIsTheOutermost() {
        List<String> log = new ArrayList<>();
        Supplier<String> decorated = Decorators.ofSupplier(() -> {
            log.add("call");
            return "ok";
        }).with(new Recording("breaker", log)).with(new Recording("retry", log)).with(new Recording("limiter", log))
                .decorate();

        assertThat(decorated.get()).isEqualTo("ok");
        assertThat(log).containsExactly("limiter>", "retry>", "breaker>", "call", "<breaker", "<retry", "<limiter");
    }

    @Test
    void aRefusalStopsTheCallAndReachesTheCaller() {
        List<String> log = new ArrayList<>();
        Recording limiter = new Recording("limiter", log);
        limiter.refuse = true;
        Supplier<String> decorated = Decorators.ofSupplier(() -> {
            log.add("call");
            return "ok";
        }).with(new Recording("breaker", log)).with(limiter).decorate();

        assertThatThrownBy(decorated::get).isInstanceOf(RateLimitedException.class);
        assertThat(log).containsExactly("limiter>");
    }

    @Test
    void checkedExceptionsOfACallablePassThroughUnchanged() {
        List<String> log = new ArrayList<>();
        IOException failure = new IOException("disk");
        Callable<String> decorated = Decorators.<String>ofCallable(() -> {
            throw failure;
        }).with(new Recording("breaker", log)).decorate();

        assertThatThrownBy(decorated::call).isSameAs(failure);
        assertThat(log).containsExactly("breaker>", "<breaker");
    }

    @Test
    void runnablesAndFunctionsAreDecoratedToo() {
        List<String> log = new ArrayList<>();
        Decorators.ofRunnable(() -> log.add("ran")).with(new Recording("p", log)).run();
        Function<Integer, Integer> twice = Decorators.ofFunction((Integer x) -> x * 2)
                .with(new Recording("q", log)).decorate();

        assertThat(twice.apply(21)).isEqualTo(42);
        assertThat(log).containsExactly("p>", "ran", "<p", "q>", "<q");
    }

    @Test
    void asynchronousCallsAreWrappedAroundTheirCompletion() {
        List<String> log = new ArrayList<>();
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletionStage<String> stage = Decorators.ofCompletionStage(() -> pending)
                .with(new Recording("breaker", log)).with(new Recording("limiter", log)).get();

        assertThat(log).containsExactly("limiter>", "breaker>");
        pending.complete("done");
        assertThat(stage.toCompletableFuture().join()).isEqualTo("done");
        assertThat(log).containsExactly("limiter>", "breaker>", "<breaker", "<limiter");
    }

    @Test
    void anAsynchronousRefusalIsAFailedStage() {
        List<String> log = new ArrayList<>();
        Recording limiter = new Recording("limiter", log);
        limiter.refuse = true;
        CompletionStage<String> stage = Decorators.ofCompletionStage(() -> CompletableFuture.completedFuture("x"))
                .with(limiter).get();

        assertThatThrownBy(() -> stage.toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(RateLimitedException.class);
    }

    @Test
    void policyRunWrapsAVoidCall() {
        List<String> log = new ArrayList<>();
        new Recording("p", log).run(() -> log.add("ran"));

        assertThat(log).containsExactly("p>", "ran", "<p");
    }
}
