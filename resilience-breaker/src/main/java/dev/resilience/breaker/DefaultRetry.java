package dev.resilience.breaker;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.EventListener;
import dev.resilience.api.EventPublisher;
import dev.resilience.api.RejectedException;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.Scheduler;
import dev.resilience.api.Subscription;
import dev.resilience.api.ThrowingSupplier;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** The retry: one decision ({@link #next}) serves the synchronous and the asynchronous loop. */
final class DefaultRetry implements Retry {

    /** {@link #next} found nothing to retry. */
    private static final long STOP = -1;

    private final String name;
    private final RetryConfig config;
    private final long maxDurationNanos;
    private final boolean inspectsResults;
    private final EventPublisher<RetryEvent> events;
    private final LongAdder succeededWithoutRetry = new LongAdder();
    private final LongAdder succeededAfterRetries = new LongAdder();
    private final LongAdder failedWithoutRetry = new LongAdder();
    private final LongAdder failedAfterRetries = new LongAdder();
    private final LongAdder retries = new LongAdder();

    DefaultRetry(String name, RetryConfig config) {
        this.name = name;
        this.config = config;
        this.maxDurationNanos = config.maxDuration().toNanos();
        this.inspectsResults = config.inspectsResults();
        this.events = new EventPublisher<>("retry '" + name + "'");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public RetryConfig config() {
        return config;
    }

    @Override
    public Subscription subscribe(EventListener<? super RetryEvent> listener) {
        return events.subscribe(listener);
    }

    @Override
    public RetryMetrics metrics() {
        return new RetryMetrics(succeededWithoutRetry.sum(), succeededAfterRetries.sum(), failedWithoutRetry.sum(),
                failedAfterRetries.sum(), retries.sum());
    }

    @Override
    public <T, X extends Throwable> T call(ThrowingSupplier<? extends T, X> call) throws X {
        long deadline = deadline();
        long delay = 0;
        for (int attempt = 1; ; attempt++) {
            T result;
            try {
                result = call.get();
            } catch (Throwable e) {
                delay = next(attempt, delay, deadline, e, false);
                if (delay == STOP) {
                    throw e;
                }
                sleep(delay, e);
                continue;
            }
            if (inspectsResults && config.retryOnResult().test(result)) {
                delay = next(attempt, delay, deadline, null, true);
                if (delay == STOP) {
                    return result;
                }
                sleep(delay, null);
                continue;
            }
            succeeded(attempt);
            return result;
        }
    }

    @Override
    public <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> call) {
        Checks.notNull("call", call);
        CompletableFuture<T> result = new CompletableFuture<>();
        new AsyncAttempts<>(call, result, deadline()).attempt(1, 0);
        return result;
    }

    private long deadline() {
        return maxDurationNanos == 0 ? Long.MAX_VALUE : config.clock().nanoTime() + maxDurationNanos;
    }

    private void sleep(long delay, Throwable lastError) {
        try {
            config.clock().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failedAfterRetries.increment();
            ResilienceException interrupted = new ResilienceException(ErrorCode.INTERRUPTED,
                    "retry '" + name + "' was interrupted while waiting to retry", lastError);
            interrupted.addSuppressed(e);
            throw interrupted;
        }
    }

    private void succeeded(int attempt) {
        (attempt == 1 ? succeededWithoutRetry : succeededAfterRetries).increment();
        if (events.hasListeners()) {
            events.publish(new RetryEvent.Succeeded(name, attempt));
        }
    }

    /**
     * After attempt number {@code attempt} failed with {@code error} (or returned a result to
     * retry): the wait before the next attempt, or {@link #STOP} if there is none (counted and
     * published here).
     */
    long next(int attempt, long previousDelay, long deadline, Throwable error, boolean resultRetry) {
        if (!resultRetry && !retryable(error)) {
            failedWithoutRetry.increment();
            if (events.hasListeners()) {
                events.publish(new RetryEvent.NotRetried(name, attempt, error));
            }
            return STOP;
        }
        long delay = attempt < config.maxAttempts() ? config.backoff().delayNanos(attempt, previousDelay) : STOP;
        if (delay != STOP && deadline != Long.MAX_VALUE && config.clock().nanoTime() + delay > deadline) {
            delay = STOP;
        }
        if (delay == STOP) {
            failedAfterRetries.increment();
            if (events.hasListeners()) {
                events.publish(new RetryEvent.Exhausted(name, attempt, error));
            }
            return STOP;
        }
        retries.increment();
        if (events.hasListeners()) {
            events.publish(new RetryEvent.Retrying(name, attempt, Duration.ofNanos(delay), error));
        }
        return delay;
    }

    private boolean retryable(Throwable error) {
        return (config.retryRejections() || !(error instanceof RejectedException)) && config.retryOn().test(error);
    }

    @Override
    public String toString() {
        return "Retry[" + name + "]";
    }

    /** The attempts of one asynchronous call, each retry scheduled on the timer. */
    private final class AsyncAttempts<T> {
        private final Supplier<? extends CompletionStage<T>> call;
        private final CompletableFuture<T> result;
        private final long deadline;

        AsyncAttempts(Supplier<? extends CompletionStage<T>> call, CompletableFuture<T> result, long deadline) {
            this.call = call;
            this.result = result;
            this.deadline = deadline;
        }

        void attempt(int attempt, long previousDelay) {
            if (result.isDone()) {
                return; // the caller cancelled or gave up: no further attempt
            }
            CompletionStage<T> stage;
            try {
                stage = call.get();
            } catch (Throwable e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((value, error) -> {
                if (error == null) {
                    if (inspectsResults && config.retryOnResult().test(value)) {
                        long delay = next(attempt, previousDelay, deadline, null, true);
                        if (delay != STOP) {
                            schedule(attempt + 1, delay);
                            return;
                        }
                    } else {
                        succeeded(attempt);
                    }
                    result.complete(value);
                    return;
                }
                Throwable cause = DefaultCircuitBreaker.unwrap(error);
                long delay = next(attempt, previousDelay, deadline, cause, false);
                if (delay == STOP) {
                    result.completeExceptionally(cause);
                } else {
                    schedule(attempt + 1, delay);
                }
            });
        }

        private void schedule(int attempt, long delay) {
            Scheduler.Task task = config.scheduler().schedule(() -> attempt(attempt, delay), delay);
            result.whenComplete((value, error) -> task.cancel());
        }
    }
}
