package dev.resilience.breaker;

import static dev.resilience.breaker.Calls.fail;
import static dev.resilience.breaker.Calls.repeat;
import static dev.resilience.breaker.Calls.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.resilience.api.Decorators;
import dev.resilience.api.ManualClock;
import dev.resilience.api.Registry;
import dev.resilience.breaker.CircuitBreaker.State;
import dev.resilience.api.Backoff;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RegistryAndReconfigurationTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreakerConfig config = CircuitBreakerConfig.builder().clock(clock)
            .slidingWindow(SlidingWindow.countBased(10, 10)).minimumNumberOfCalls(4).failureRateThreshold(60).build();

    @Test
    void eachNameIsItsOwnIsolatedBreaker() {
        Registry<CircuitBreaker, CircuitBreakerConfig> breakers = CircuitBreaker.registry(config);
        CircuitBreaker payments = breakers.get("payments");
        assertThat(breakers.get("payments")).isSameAs(payments);
        CircuitBreaker search = breakers.get("search");
        repeat(4, () -> fail(payments));
        assertThat(payments.state()).isEqualTo(State.OPEN);
        assertThat(search.state()).isEqualTo(State.CLOSED);
        assertThat(search.name()).isEqualTo("search");
        assertThat(breakers.all()).containsOnlyKeys("payments", "search");
    }

    @Test
    void reconfigurationKeepsTheWindowAndTheState() {
        CircuitBreaker breaker = CircuitBreaker.of("r", config);
        repeat(2, () -> fail(breaker));
        repeat(3, () -> succeed(breaker));
        breaker.reconfigure(config.toBuilder().failureRateThreshold(40).build());
        assertThat(breaker.metrics().windowCalls()).isEqualTo(5);
        assertThat(breaker.config().failureRateThreshold()).isEqualTo(40);
        fail(breaker); // 3 of 6 = 50% >= 40%
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aNewWindowShapeKeepsTheOutcomesAlreadyRecorded() {
        CircuitBreaker breaker = CircuitBreaker.of("r", config);
        repeat(2, () -> fail(breaker));
        repeat(4, () -> succeed(breaker));
        breaker.reconfigure(config.toBuilder().slidingWindow(SlidingWindow.timeBased(Duration.ofSeconds(10))).build());
        assertThat(breaker.metrics().windowCalls()).isEqualTo(6);
        assertThat(breaker.metrics().windowFailures()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.metrics().windowCalls()).as("aged out under the new rules").isZero();
        assertThat(breaker.metrics().failedCalls()).as("lifetime counts stay").isEqualTo(2);
    }

    @Test
    void decoratesSuppliersCallablesRunnablesAndFunctions() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.of("d", config);
        Supplier<String> supplier = Decorators.ofSupplier(() -> "s").with(breaker).decorate();
        Callable<String> callable = Decorators.ofCallable(() -> "c").with(breaker).decorate();
        int[] ran = new int[1];
        Runnable runnable = Decorators.ofRunnable(() -> ran[0]++).with(breaker).decorate();
        Function<Integer, Integer> function = Decorators.ofFunction((Integer x) -> x * 2).with(breaker).decorate();
        assertThat(supplier.get()).isEqualTo("s");
        assertThat(callable.call()).isEqualTo("c");
        runnable.run();
        assertThat(function.apply(21)).isEqualTo(42);
        assertThat(ran[0]).isEqualTo(1);
        assertThat(breaker.metrics().successfulCalls()).isEqualTo(4);
        breaker.run(() -> ran[0]++);
        assertThat(breaker.metrics().successfulCalls()).isEqualTo(5);
    }

    @Test
    void decoratesAsyncCallsWithARetryOutsideTheBreaker() {
        CircuitBreaker breaker = CircuitBreaker.of("a", config);
        Retry retry = Retry.of("a", RetryConfig.builder().clock(clock).scheduler(clock.scheduler())
                .backoff(Backoff.fixed(Duration.ofMillis(10))).maxAttempts(3).build());
        int[] attempts = new int[1];
        CompletionStage<String> result = Decorators.ofCompletionStage(() -> ++attempts[0] < 3
                ? CompletableFuture.<String>failedFuture(new IllegalStateException("not yet"))
                : CompletableFuture.completedFuture("ok"))
                .with(breaker).with(retry).get();
        clock.advance(Duration.ofMillis(20));
        assertThat(result.toCompletableFuture()).isCompletedWithValue("ok");
        assertThat(breaker.metrics().failedCalls()).isEqualTo(2);
        assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
    }
}
