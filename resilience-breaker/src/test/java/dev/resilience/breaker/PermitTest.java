package dev.resilience.breaker;

import static dev.resilience.breaker.Calls.fail;
import static dev.resilience.breaker.Calls.repeat;
import static dev.resilience.breaker.Calls.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.ManualClock;
import dev.resilience.breaker.CircuitBreaker.Permit;
import dev.resilience.breaker.CircuitBreaker.State;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class PermitTest {

    private final ManualClock clock = new ManualClock();

    private CircuitBreaker breaker(int trials) {
        return CircuitBreaker.of("p", CircuitBreakerConfig.builder().clock(clock)
                .slidingWindow(SlidingWindow.countBased(4, 4)).minimumNumberOfCalls(4)
                .waitInOpen(Duration.ofSeconds(10)).permittedCallsInHalfOpen(trials)
                .probeTimeout(Duration.ofSeconds(30))
                .slowCallThreshold(Duration.ofSeconds(1), 100).build());
    }

    private void halfOpen(CircuitBreaker breaker) {
        repeat(4, () -> fail(breaker));
        clock.advance(Duration.ofSeconds(10));
    }

    @Test
    void aPermitIsSettledExactlyOnce() {
        CircuitBreaker breaker = breaker(2);
        Permit permit = breaker.acquirePermission();
        assertThat(permit.onError(new IOException())).isTrue();
        assertThat(permit.onSuccess()).isFalse();
        assertThat(permit.onError(new IOException())).isFalse();
        assertThat(permit.cancel()).isFalse();
        assertThat(breaker.metrics().windowCalls()).isEqualTo(1);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void aPermitMeasuresTheCallFromItsAcquisition() {
        CircuitBreaker breaker = breaker(2);
        Permit permit = breaker.acquirePermission();
        clock.advance(Duration.ofSeconds(2));
        permit.onResult("late");
        assertThat(breaker.metrics().slowCalls()).isEqualTo(1);
    }

    @Test
    void anOutcomeFromAnEarlierGenerationIsNotCounted() {
        CircuitBreaker breaker = breaker(2);
        Permit old = breaker.acquirePermission();
        breaker.transitionToForcedOpen();
        breaker.reset();
        assertThat(old.onError(new IOException("reported after the breaker moved on"))).isFalse();
        assertThat(breaker.metrics().windowCalls()).isZero();
        assertThat(breaker.metrics().failedCalls()).isZero();
    }

    @Test
    void aLateTrialOutcomeAfterTheRoundEndedIsNotCounted() {
        CircuitBreaker breaker = breaker(1);
        halfOpen(breaker);
        Permit trial = breaker.acquirePermission();
        breaker.reset();
        assertThat(trial.onError(new IOException())).isFalse();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aProbeThatNeverReportsCountsAsFailedAfterTheProbeTimeout() {
        CircuitBreaker breaker = breaker(2);
        List<CircuitBreakerEvent> events = new ArrayList<>();
        breaker.subscribe(events::add);
        halfOpen(breaker);
        Permit lost = breaker.acquirePermission();
        Permit fine = breaker.acquirePermission();
        assertThat(fine.onSuccess()).isTrue();
        clock.advance(Duration.ofSeconds(30).minusNanos(1));
        assertThat(succeed(breaker)).isEqualTo(Calls.Outcome.REJECTED);
        assertThat(breaker.state()).as("not yet timed out").isEqualTo(State.HALF_OPEN);
        clock.advanceNanos(1);
        assertThat(succeed(breaker)).as("the lost probe failed: 1 of 2 = 50% opens again")
                .isEqualTo(Calls.Outcome.REJECTED);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(events).filteredOn(e -> e instanceof CircuitBreakerEvent.ProbeTimedOut).hasSize(1);
        assertThat(lost.onSuccess()).as("too late").isFalse();
        clock.advance(Duration.ofSeconds(10));
        repeat(2, () -> succeed(breaker));
        assertThat(breaker.state()).as("never stuck").isEqualTo(State.CLOSED);
    }

    @Test
    void metricsAlsoReapTimedOutProbes() {
        CircuitBreaker breaker = breaker(1);
        halfOpen(breaker);
        breaker.acquirePermission();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.metrics().state()).isEqualTo(State.OPEN);
    }

    @Test
    void cancelledTrialsEndTheRoundWithoutAVerdictAndANewRoundStarts() {
        CircuitBreaker breaker = breaker(2);
        halfOpen(breaker);
        Permit a = breaker.acquirePermission();
        Permit b = breaker.acquirePermission();
        assertThat(breaker.tryAcquirePermission()).isEmpty();
        assertThat(a.cancel()).isTrue();
        assertThat(b.cancel()).isTrue();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        Permit c = breaker.acquirePermission();
        Permit d = breaker.acquirePermission();
        assertThat(c.onSuccess()).isTrue();
        assertThat(d.onSuccess()).isTrue();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void asyncOutcomesAndDurationsAreRecordedOnCompletion() throws Exception {
        CircuitBreaker breaker = breaker(2);
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletionStage<String> result = breaker.callAsync(() -> pending);
        assertThat(breaker.metrics().windowCalls()).isZero();
        clock.advance(Duration.ofSeconds(1));
        pending.complete("done");
        assertThat(result.toCompletableFuture().get(1, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(breaker.metrics().slowCalls()).isEqualTo(1);

        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletionStage<String> failed = breaker.callAsync(() -> failing);
        failing.completeExceptionally(new IOException("async boom"));
        assertThatThrownBy(() -> failed.toCompletableFuture().get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(IOException.class);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void aCancelledAsyncCallGivesItsPermitBackAndCancelsTheCall() {
        CircuitBreaker breaker = breaker(1);
        halfOpen(breaker);
        CompletableFuture<String> never = new CompletableFuture<>();
        CompletionStage<String> result = breaker.callAsync(() -> never);
        assertThat(breaker.tryAcquirePermission()).as("the only trial is taken").isEmpty();
        result.toCompletableFuture().cancel(true);
        assertThat(never).isCancelled();
        assertThat(breaker.tryAcquirePermission()).as("a new round").isPresent();
    }

    @Test
    void anAsyncCallThatTimesOutCountsAsFailed() throws Exception {
        CircuitBreaker breaker = breaker(1);
        halfOpen(breaker);
        CompletableFuture<String> never = new CompletableFuture<>();
        CompletableFuture<String> result = breaker.callAsync(() -> never).toCompletableFuture();
        result.completeExceptionally(new TimeoutException("caller gave up"));
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        never.complete("too late");
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void anAsyncRejectionIsAFailedStageAndTheCallDoesNotRun() {
        CircuitBreaker breaker = breaker(1);
        breaker.transitionToForcedOpen();
        boolean[] ran = new boolean[1];
        CompletionStage<String> result = breaker.callAsync(() -> {
            ran[0] = true;
            return CompletableFuture.completedFuture("x");
        });
        assertThat(ran[0]).isFalse();
        assertThat(result.toCompletableFuture()).isCompletedExceptionally();
        assertThatThrownBy(() -> result.toCompletableFuture().join()).hasCauseInstanceOf(CircuitOpenException.class);
    }

    @Test
    void anAsyncSupplierThatThrowsIsAFailure() {
        CircuitBreaker breaker = breaker(1);
        CompletionStage<String> result = breaker.callAsync(() -> {
            throw new IllegalStateException("before any stage");
        });
        assertThat(result.toCompletableFuture()).isCompletedExceptionally();
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    }
}
