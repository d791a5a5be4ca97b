package dev.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.Backoff;
import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.Decorators;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.api.ResilienceException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RetryTest {

    private final ManualClock clock = new ManualClock();

    private RetryConfig.Builder config() {
        return RetryConfig.builder().clock(clock).scheduler(clock.scheduler())
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    /** A call that fails {@code failures} times, then returns "ok". */
    private static ThrowingCall failing(int failures) {
        return new ThrowingCall(failures);
    }

    static final class ThrowingCall {
        final AtomicInteger attempts = new AtomicInteger();
        final int failures;

        ThrowingCall(int failures) {
            this.failures = failures;
        }

        String get() throws IOException {
            if (attempts.incrementAndGet() <= failures) {
                throw new IOException("attempt " + attempts.get());
            }
            return "ok";
        }
    }

    @Test
    void retriesUntilSuccessSleepingTheBackoffOnTheClock() throws IOException {
        Retry retry = Retry.of("r", config().maxAttempts(4).build());
        ThrowingCall call = failing(3);
        assertThat(retry.call(call::get)).isEqualTo("ok");
        assertThat(call.attempts).hasValue(4);
        assertThat(clock.sleptNanos()).isEqualTo(Duration.ofMillis(100 + 200 + 400).toNanos());
        assertThat(retry.metrics()).isEqualTo(new RetryMetrics(0, 1, 0, 0, 3));
    }

    @Test
    void theLastExceptionReachesTheCallerUnchangedWhenAttemptsRunOut() {
        Retry retry = Retry.of("r", config().maxAttempts(3).build());
        ThrowingCall call = failing(10);
        assertThatThrownBy(() -> retry.call(call::get)).isInstanceOf(IOException.class).hasMessage("attempt 3");
        assertThat(call.attempts).hasValue(3);
        assertThat(retry.metrics().failedAfterRetries()).isEqualTo(1);
    }

    @Test
    void theScheduleFollowsTheSeededJitteredBackoff() throws IOException {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2))
                .withJitter(Backoff.Jitter.FULL).withRandom(new SplittableRandom(42));
        Backoff same = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2))
                .withJitter(Backoff.Jitter.FULL).withRandom(new SplittableRandom(42));
        List<Duration> expected = new ArrayList<>();
        long previous = 0;
        for (int attempt = 1; attempt <= 5; attempt++) {
            previous = same.delayNanos(attempt, previous);
            expected.add(Duration.ofNanos(previous));
        }
        Retry retry = Retry.of("r", config().maxAttempts(6).backoff(backoff).build());
        List<Duration> delays = new ArrayList<>();
        retry.subscribe(RetryEvent.Retrying.class, r -> delays.add(r.delay()));
        assertThat(retry.call(failing(5)::get)).isEqualTo("ok");
        assertThat(delays).isEqualTo(expected);
        assertThat(clock.sleptNanos()).isEqualTo(expected.stream().mapToLong(Duration::toNanos).sum());
    }

    @Test
    void onlyRetryableExceptionsAreRetried() {
        Retry retry = Retry.of("r", config().retryOnExceptions(IOException.class).build());
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> retry.call(() -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("a bug, not a blip");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(attempts).hasValue(1);
        assertThat(retry.metrics().failedWithoutRetry()).isEqualTo(1);
        assertThat(clock.sleptNanos()).isZero();
    }

    @Test
    void errorsAreNotRetriedByDefault() {
        Retry retry = Retry.of("r", config().build());
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> retry.call(() -> {
            attempts.incrementAndGet();
            throw new AssertionError("an error");
        })).isInstanceOf(AssertionError.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void resultsCanBeRetriedAndTheLastIsReturnedWhenAttemptsRunOut() {
        Retry retry = Retry.of("r", config().maxAttempts(3).retryOnResult(r -> (Integer) r == 503).build());
        AtomicInteger attempts = new AtomicInteger();
        assertThat(retry.call(() -> attempts.incrementAndGet() < 3 ? 503 : 200)).isEqualTo(200);
        assertThat(retry.call(() -> 503)).isEqualTo(503);
        assertThat(retry.metrics()).isEqualTo(new RetryMetrics(0, 1, 0, 1, 4));
    }

    @Test
    void theDeadlineStopsARetryWhoseWaitWouldEndAfterIt() {
        Retry retry = Retry.of("r", config().maxAttempts(10).maxDuration(Duration.ofMillis(350)).build());
        ThrowingCall call = failing(10);
        List<RetryEvent> events = new ArrayList<>();
        retry.subscribe(events::add);
        assertThatThrownBy(() -> retry.call(call::get)).isInstanceOf(IOException.class);
        // waits 100 + 200 = 300 ms; the next (400 ms) would end at 700 ms > 350 ms
        assertThat(call.attempts).hasValue(3);
        assertThat(clock.sleptNanos()).isEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(events.get(events.size() - 1)).isInstanceOf(RetryEvent.Exhausted.class);
    }

    @Test
    void anOpenBreakerInsideIsNotRetriedUnlessAsked() {
        CircuitBreaker breaker = CircuitBreaker.of("b", CircuitBreakerConfig.builder().clock(clock).build());
        breaker.transitionToForcedOpen();
        Retry retry = Retry.of("r", config().build());
        Supplier<String> decorated = Decorators.ofSupplier(() -> "x").with(breaker).with(retry).decorate();
        assertThatThrownBy(decorated::get).isInstanceOf(CircuitOpenException.class);
        assertThat(breaker.metrics().notPermittedCalls()).isEqualTo(1);

        Retry stubborn = Retry.of("s", config().retryRejections(true).build());
        Supplier<String> retried = Decorators.ofSupplier(() -> "x").with(breaker).with(stubborn).decorate();
        assertThatThrownBy(retried::get).isInstanceOf(CircuitOpenException.class);
        assertThat(breaker.metrics().notPermittedCalls()).isEqualTo(1 + 3);
    }

    @Test
    void retryOutsideTheBreakerRecordsEveryAttempt() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.of("b", CircuitBreakerConfig.builder().clock(clock).build());
        Retry retry = Retry.of("r", config().maxAttempts(3).build());
        ThrowingCall call = failing(2);
        String result = Decorators.ofCallable(call::get).with(breaker).with(retry).decorate().call();
        assertThat(result).isEqualTo("ok");
        assertThat(breaker.metrics().failedCalls()).isEqualTo(2);
        assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
    }

    @Test
    void anInterruptedWaitStopsWithACodeAndKeepsTheFlag() {
        Retry retry = Retry.of("r", config().build());
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> retry.call(failing(5)::get)).isInstanceOfSatisfying(ResilienceException.class,
                    e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERRUPTED);
                        assertThat(e.getCause()).isInstanceOf(IOException.class);
                    });
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void asyncRetriesAreScheduledOnTheTimerWithoutBlocking() {
        Retry retry = Retry.of("r", config().maxAttempts(3).build());
        AtomicInteger attempts = new AtomicInteger();
        CompletionStage<String> result = retry.callAsync(() -> attempts.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new IOException("not yet"))
                : CompletableFuture.completedFuture("ok"));
        assertThat(attempts).hasValue(1);
        assertThat(result.toCompletableFuture()).isNotDone();
        clock.advance(Duration.ofMillis(99));
        assertThat(attempts).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(attempts).hasValue(2);
        clock.advance(Duration.ofMillis(200));
        assertThat(attempts).hasValue(3);
        assertThat(result.toCompletableFuture()).isCompletedWithValue("ok");
        assertThat(clock.sleptNanos()).as("nobody slept").isZero();
    }

    @Test
    void asyncRetriesStopWhenAttemptsRunOutOrTheCallerCancels() {
        Retry retry = Retry.of("r", config().maxAttempts(2).build());
        CompletionStage<String> failed = retry.callAsync(() -> CompletableFuture.failedFuture(new IOException("no")));
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> failed.toCompletableFuture().join()).hasCauseInstanceOf(IOException.class);

        AtomicInteger attempts = new AtomicInteger();
        CompletionStage<String> cancelled = retry.callAsync(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new IOException("no"));
        });
        cancelled.toCompletableFuture().cancel(false);
        clock.advance(Duration.ofSeconds(1));
        assertThat(attempts).hasValue(1);
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void asyncRetryOfAResult() {
        Retry retry = Retry.of("r", config().maxAttempts(2).retryOnResult(r -> "busy".equals(r)).build());
        AtomicInteger attempts = new AtomicInteger();
        CompletionStage<String> result = retry.callAsync(
                () -> CompletableFuture.completedFuture(attempts.incrementAndGet() == 1 ? "busy" : "done"));
        clock.advance(Duration.ofMillis(100));
        assertThat(result.toCompletableFuture()).isCompletedWithValue("done");
    }

    private static void rejects(UnaryOperator<RetryConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(RetryConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void everyParameterIsValidated() {
        rejects(b -> b.maxAttempts(0), "maxAttempts must be between 1 and 1000000 but was 0");
        rejects(b -> b.backoff(null), "backoff must not be null");
        rejects(b -> b.maxDuration(Duration.ofSeconds(-1)), "maxDuration must not be negative but was PT-1S");
        rejects(b -> b.retryOn(null), "retryOn must not be null");
        rejects(b -> b.retryOnResult(null), "retryOnResult must not be null");
        rejects(b -> b.clock(null), "clock must not be null");
        rejects(b -> b.retryOnExceptions(Object.class),
                "retryOnExceptions must list Throwable types but listed class java.lang.Object");
        assertThat(RetryConfig.defaults().maxAttempts()).isEqualTo(3);
        assertThat(RetryConfig.defaults().toBuilder().maxAttempts(5).build().backoff())
                .isEqualTo(RetryConfig.defaults().backoff());
    }
}
