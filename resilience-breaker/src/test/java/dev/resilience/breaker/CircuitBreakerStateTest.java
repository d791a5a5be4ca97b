package dev.resilience.breaker;

import static dev.resilience.breaker.Calls.fail;
import static dev.resilience.breaker.Calls.repeat;
import static dev.resilience.breaker.Calls.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.breaker.CircuitBreaker.State;
import dev.resilience.breaker.Calls.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerStateTest {

    private final ManualClock clock = new ManualClock();

    private CircuitBreakerConfig.Builder config() {
        return CircuitBreakerConfig.builder()
                .clock(clock)
                .slidingWindow(SlidingWindow.countBased(10, 10))
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .waitInOpen(Duration.ofSeconds(10))
                .permittedCallsInHalfOpen(2);
    }

    @Test
    void tripsAtTheFailureRateOnceTheMinimumIsReached() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config().build());
        assertThat(fail(breaker)).isEqualTo(Outcome.FAILED);
        assertThat(fail(breaker)).isEqualTo(Outcome.FAILED);
        assertThat(fail(breaker)).isEqualTo(Outcome.FAILED);
        assertThat(breaker.state()).as("3 calls are below the minimum of 4").isEqualTo(State.CLOSED);
        assertThat(succeed(breaker)).isEqualTo(Outcome.SUCCEEDED);
        assertThat(breaker.state()).as("3 of 4 failed: 75%% >= 50%%").isEqualTo(State.OPEN);
    }

    @Test
    void staysClosedJustBelowTheThreshold() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config().failureRateThreshold(50).build());
        repeat(6, () -> succeed(breaker));
        repeat(4, () -> fail(breaker));
        assertThat(breaker.state()).as("40%").isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().failureRate()).isEqualTo(40.0);
        fail(breaker); // the oldest success leaves the exact window: 5 of 10
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void openRejectsWithTheTimeUntilTheNextProbe() {
        CircuitBreaker breaker = CircuitBreaker.of("payments", config().build());
        repeat(4, () -> fail(breaker));
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(3));
        assertThatThrownBy(() -> breaker.call(() -> "never"))
                .isInstanceOfSatisfying(CircuitOpenException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
                    assertThat(e.source()).isEqualTo("payments");
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                    assertThat(e.getStackTrace()).isEmpty();
                    assertThat(e).hasToString("dev.resilience.api.CircuitOpenException [CIRCUIT_OPEN]: "
                            + "circuit open: 'payments'; retry after PT7S");
                });
        assertThat(breaker.metrics().notPermittedCalls()).isEqualTo(1);
    }

    @Test
    void movesToHalfOpenOnTheFirstCallAfterTheWaitAndClosesOnGoodTrials() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config().build());
        repeat(4, () -> fail(breaker));
        clock.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(succeed(breaker)).isEqualTo(Outcome.REJECTED);
        clock.advanceNanos(1);
        assertThat(breaker.state()).as("no thread moves it").isEqualTo(State.OPEN);
        assertThat(succeed(breaker)).isEqualTo(Outcome.SUCCEEDED);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(succeed(breaker)).isEqualTo(Outcome.SUCCEEDED);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().windowCalls()).as("a fresh window").isZero();
    }

    @Test
    void failedTrialsOpenAgainWithAGrowingCappedWaitThatResetsOnRecovery() {
        CircuitBreaker breaker = CircuitBreaker.of("b",
                config().exponentialWait(2.0, Duration.ofSeconds(30)).build());
        repeat(4, () -> fail(breaker));
        List<Duration> waits = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            waits.add(retryAfter(breaker));
            clock.advance(retryAfter(breaker));
            assertThat(fail(breaker)).isEqualTo(Outcome.FAILED);
            assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
            assertThat(fail(breaker)).isEqualTo(Outcome.FAILED);
            assertThat(breaker.state()).isEqualTo(State.OPEN);
        }
        waits.add(retryAfter(breaker));
        assertThat(waits).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        repeat(2, () -> succeed(breaker));
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        repeat(4, () -> fail(breaker));
        assertThat(retryAfter(breaker)).as("recovery reset the growth").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void halfOpenAdmitsExactlyThePermittedTrialsAndRejectsTheRest() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config().permittedCallsInHalfOpen(3).build());
        repeat(4, () -> fail(breaker));
        clock.advance(Duration.ofSeconds(10));
        List<CircuitBreaker.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            permits.add(breaker.tryAcquirePermission().orElseThrow());
        }
        assertThat(breaker.tryAcquirePermission()).isEmpty();
        assertThatThrownBy(breaker::acquirePermission).isInstanceOfSatisfying(CircuitOpenException.class,
                e -> assertThat(e.retryAfter()).isEmpty());
        permits.get(0).onSuccess();
        permits.get(1).onSuccess();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        permits.get(2).onError(new IllegalStateException("still failing"));
        assertThat(breaker.state()).as("1 of 3 failed: 33% < 50%").isEqualTo(State.CLOSED);
    }

    @Test
    void forcedOpenDisabledMetricsOnlyAndReset() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config().build());
        breaker.transitionToForcedOpen();
        assertThatThrownBy(() -> breaker.call(() -> "x")).isInstanceOfSatisfying(CircuitOpenException.class,
                e -> assertThat(e.retryAfter()).isEmpty());
        clock.advance(Duration.ofHours(1));
        assertThat(succeed(breaker)).as("forced open never times out").isEqualTo(Outcome.REJECTED);

        breaker.transitionToDisabled();
        repeat(20, () -> fail(breaker));
        assertThat(breaker.state()).isEqualTo(State.DISABLED);
        assertThat(breaker.metrics().failedCalls()).as("disabled records nothing").isZero();

        breaker.transitionToMetricsOnly();
        repeat(20, () -> fail(breaker));
        assertThat(breaker.state()).as("metrics only never trips").isEqualTo(State.METRICS_ONLY);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(20);
        assertThat(breaker.metrics().failureRate()).isEqualTo(100.0);

        breaker.reset();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().windowCalls()).isZero();
        repeat(3, () -> fail(breaker));
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void consecutiveFailuresTripWhateverTheRate() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config()
                .slidingWindow(SlidingWindow.countBased(100)).minimumNumberOfCalls(100).consecutiveFailures(3).build());
        repeat(50, () -> succeed(breaker));
        fail(breaker);
        fail(breaker);
        succeed(breaker);
        fail(breaker);
        fail(breaker);
        assertThat(breaker.state()).as("the run was broken").isEqualTo(State.CLOSED);
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void slowSuccessesTripOnTheSlowCallRate() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config()
                .slowCallThreshold(Duration.ofMillis(500), 50).build());
        Calls.slow(breaker, clock, Duration.ofMillis(499));
        Calls.slow(breaker, clock, Duration.ofMillis(500));
        Calls.slow(breaker, clock, Duration.ofMillis(600));
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().slowCalls()).isEqualTo(2);
        Calls.slow(breaker, clock, Duration.ofMillis(1));
        assertThat(breaker.metrics().failedCalls()).isZero();
        assertThat(breaker.state()).as("2 of 4 slow: 50%").isEqualTo(State.OPEN);
    }

    @Test
    void combinedRateCountsCallsThatFailedOrWereSlowOnce() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config()
                .minimumNumberOfCalls(10)
                .failureRateThreshold(100).slowCallThreshold(Duration.ofMillis(100), 100)
                .combinedRateThreshold(50).build());
        repeat(2, () -> fail(breaker));
        repeat(2, () -> Calls.slow(breaker, clock, Duration.ofMillis(100)));
        repeat(5, () -> succeed(breaker));
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        Calls.slow(breaker, clock, Duration.ofMillis(100));
        assertThat(breaker.state()).as("2 failed + 3 slow of 10 = 50%").isEqualTo(State.OPEN);
    }

    @Test
    void aResultCanOpenTheBreakerForAGivenTime() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config()
                .openForResult(r -> r instanceof Integer && (Integer) r == 429 ? Duration.ofSeconds(42) : null)
                .build());
        assertThat(breaker.call(() -> 200)).isEqualTo(200);
        assertThat(breaker.call(() -> 429)).as("the result still reaches the caller").isEqualTo(429);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(retryAfter(breaker)).isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void openForOpensManuallyAndTrialsDecideAfterwards() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config().build());
        breaker.openFor(Duration.ofSeconds(5));
        assertThat(retryAfter(breaker)).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        repeat(2, () -> succeed(breaker));
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aWallClockJumpChangesNothing() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config().build());
        repeat(4, () -> fail(breaker));
        clock.setWallMillis(clock.wallMillis() + Duration.ofDays(1).toMillis());
        assertThat(succeed(breaker)).isEqualTo(Outcome.REJECTED);
        assertThat(retryAfter(breaker)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyTransitionAndRejectionIsAnEvent() {
        CircuitBreaker breaker = CircuitBreaker.of("b", config().build());
        List<CircuitBreakerEvent> events = new ArrayList<>();
        breaker.subscribe(events::add);
        repeat(4, () -> fail(breaker));
        succeed(breaker);
        clock.advance(Duration.ofSeconds(10));
        repeat(2, () -> succeed(breaker));
        assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsExactly(
                "StateTransition", "CallNotPermitted", "StateTransition", "StateTransition");
        CircuitBreakerEvent.StateTransition trip = (CircuitBreakerEvent.StateTransition) events.get(0);
        assertThat(trip.from()).isEqualTo(State.CLOSED);
        assertThat(trip.to()).isEqualTo(State.OPEN);
        assertThat(trip.reason()).contains("failure rate 100.0%", "over 4 calls", "threshold 50.0%");
        assertThat(trip.wallMillis()).isEqualTo(clock.wallMillis() - 10_000);
        assertThat(((CircuitBreakerEvent.StateTransition) events.get(3)).to()).isEqualTo(State.CLOSED);
    }

    @Test
    void aTripIsLoggedWithTheNameTheRatesAndTheLastError() {
        CircuitBreaker breaker = CircuitBreaker.of("inventory", config().build());
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            repeat(4, () -> fail(breaker));
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("WARN", "Circuit breaker 'inventory' opened for PT10S", "failure rate 100.0%",
                        "over 4 calls", "last error: java.io.UncheckedIOException: java.io.IOException: boom");
    }

    private static Duration retryAfter(CircuitBreaker breaker) {
        try {
            breaker.call(() -> "probe?");
            throw new AssertionError("the breaker admitted a call");
        } catch (CircuitOpenException e) {
            return e.retryAfter().orElseThrow();
        }
    }
}
