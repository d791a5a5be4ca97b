package dev.resilience.breaker;

import static dev.resilience.breaker.Calls.fail;
import static dev.resilience.breaker.Calls.repeat;
import static dev.resilience.breaker.Calls.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import dev.resilience.breaker.CircuitBreaker.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {

    private final ManualClock clock = new ManualClock();

    private CircuitBreaker breaker(SlidingWindow window, int minimumCalls) {
        return CircuitBreaker.of("w", CircuitBreakerConfig.builder().clock(clock).slidingWindow(window)
                .minimumNumberOfCalls(minimumCalls).failureRateThreshold(50).build());
    }

    @Test
    void anExactCountWindowForgetsTheOldestCallOneAtATime() {
        CircuitBreaker breaker = breaker(SlidingWindow.countBased(4, 4), 4);
        fail(breaker);
        repeat(3, () -> succeed(breaker));
        assertThat(breaker.metrics().windowFailures()).isEqualTo(1);
        succeed(breaker);
        assertThat(breaker.metrics().windowCalls()).isEqualTo(4);
        assertThat(breaker.metrics().windowFailures()).as("the failure was the 5th call back").isZero();
        assertThat(breaker.metrics().successfulCalls()).as("lifetime counts keep it").isEqualTo(4);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void aBucketedCountWindowForgetsAWholeBucketAtItsEdge() {
        CircuitBreaker breaker = breaker(SlidingWindow.countBased(10, 5), 10);
        repeat(2, () -> fail(breaker));   // bucket 1
        repeat(8, () -> succeed(breaker)); // buckets 2..5
        assertThat(breaker.metrics().windowCalls()).isEqualTo(10);
        assertThat(breaker.metrics().windowFailures()).isEqualTo(2);
        succeed(breaker); // starts bucket 6: bucket 1 leaves with both failures
        assertThat(breaker.metrics().windowCalls()).isEqualTo(9);
        assertThat(breaker.metrics().windowFailures()).isZero();
        succeed(breaker);
        assertThat(breaker.metrics().windowCalls()).isEqualTo(10);
    }

    @Test
    void edgesPassedByALongRunOfSuccessesAreMarkedExactly() {
        CircuitBreaker breaker = breaker(SlidingWindow.countBased(10, 10), 10);
        repeat(2, () -> fail(breaker));
        repeat(1_000, () -> succeed(breaker));
        assertThat(breaker.metrics().windowCalls()).isEqualTo(10);
        assertThat(breaker.metrics().windowFailures()).isZero();
        repeat(4, () -> fail(breaker));
        assertThat(breaker.state()).as("4 of the last 10").isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().failureRate()).isEqualTo(40.0);
        fail(breaker);
        assertThat(breaker.state()).as("5 of the last 10").isEqualTo(State.OPEN);
    }

    @Test
    void aBucketedCountWindowJudgesTheLastFullBucketsAfterALongRunOfSuccesses() {
        CircuitBreaker breaker = breaker(SlidingWindow.countBased(10, 5), 10);
        repeat(101, () -> succeed(breaker));
        repeat(5, () -> fail(breaker)); // calls 102..106: buckets 97-98, 99-100, 101-102, 103-104, 105-106
        assertThat(breaker.metrics().windowCalls()).isEqualTo(10);
        assertThat(breaker.metrics().windowFailures()).isEqualTo(5);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aCountWindowIsJudgedWhenItFillsWithSuccessesPastTheMinimum() {
        CircuitBreaker breaker = breaker(SlidingWindow.countBased(10), 10);
        repeat(9, () -> fail(breaker));
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        succeed(breaker);
        assertThat(breaker.state()).as("90% at the 10th call, a success").isEqualTo(State.OPEN);
    }

    @Test
    void aTimeWindowForgetsBucketsAsTimePasses() {
        CircuitBreaker breaker = breaker(SlidingWindow.timeBased(Duration.ofSeconds(10), 10), 5);
        repeat(2, () -> fail(breaker));                  // t = 0
        clock.advance(Duration.ofSeconds(5));
        repeat(4, () -> succeed(breaker));               // t = 5 s
        assertThat(breaker.metrics().windowCalls()).isEqualTo(6);
        clock.advance(Duration.ofMillis(9_999 - 5_000));
        assertThat(breaker.metrics().windowCalls()).as("t = 9.999 s: the first bucket is still in").isEqualTo(6);
        clock.advance(Duration.ofMillis(1));
        assertThat(breaker.metrics().windowCalls()).as("t = 10 s: it left").isEqualTo(4);
        assertThat(breaker.metrics().windowFailures()).isZero();
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.metrics().windowCalls()).isZero();
    }

    @Test
    void aTimeWindowTripsOnlyOnFailuresInsideIt() {
        CircuitBreaker breaker = breaker(SlidingWindow.timeBased(Duration.ofSeconds(10), 10), 4);
        repeat(3, () -> fail(breaker));
        clock.advance(Duration.ofSeconds(10));
        fail(breaker);
        assertThat(breaker.state()).as("the first three failures left the window: 1 call").isEqualTo(State.CLOSED);
        repeat(3, () -> fail(breaker));
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aLongSilenceEmptiesTheWholeTimeWindow() {
        CircuitBreaker breaker = breaker(SlidingWindow.timeBased(Duration.ofSeconds(10), 10), 2);
        fail(breaker);
        clock.advance(Duration.ofDays(3));
        succeed(breaker);
        succeed(breaker);
        assertThat(breaker.metrics().windowCalls()).isEqualTo(2);
        assertThat(breaker.metrics().failureRate()).isZero();
    }

    @Test
    void defaultsAndValidation() {
        assertThat(SlidingWindow.countBased(100)).as("exact").isEqualTo(new SlidingWindow(SlidingWindow.Kind.COUNT, 100, 100));
        assertThat(SlidingWindow.countBased(1_000).buckets()).isEqualTo(1_000);
        assertThat(SlidingWindow.countBased(10_000).buckets()).isEqualTo(1_000);
        assertThat(SlidingWindow.countBased(1_009).buckets()).as("a prime above the cap: one bucket").isEqualTo(1);
        assertThat(SlidingWindow.timeBased(Duration.ofSeconds(1)).bucketSize()).isEqualTo(100_000_000L);
        assertThatThrownBy(() -> SlidingWindow.countBased(0)).hasMessage("calls must be positive but was 0");
        assertThatThrownBy(() -> SlidingWindow.countBased(10, 3))
                .hasMessage("size must be a multiple of buckets (3) but was 10");
        assertThatThrownBy(() -> SlidingWindow.countBased(10, 0))
                .hasMessage("buckets must be between 1 and 1000 but was 0");
        assertThatThrownBy(() -> SlidingWindow.timeBased(Duration.ZERO)).hasMessage("duration must be positive but was PT0S");
        assertThatThrownBy(() -> new SlidingWindow(null, 1, 1)).hasMessage("kind must not be null");
    }
}
