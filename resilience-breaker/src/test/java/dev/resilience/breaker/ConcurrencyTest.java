package dev.resilience.breaker;

import static dev.resilience.breaker.Calls.fail;
import static dev.resilience.breaker.Calls.repeat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.ManualClock;
import dev.resilience.breaker.CircuitBreaker.State;
import dev.resilience.testkit.Concurrently;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    private final ManualClock clock = new ManualClock();

    @RepeatedTest(5)
    void halfOpenAdmitsExactlyThePermittedTrialsUnderARace() {
        int trials = 7;
        CircuitBreaker breaker = CircuitBreaker.of("race", CircuitBreakerConfig.builder().clock(clock)
                .slidingWindow(SlidingWindow.countBased(4, 4)).minimumNumberOfCalls(4)
                .waitInOpen(Duration.ofSeconds(1)).permittedCallsInHalfOpen(trials).build());
        repeat(4, () -> fail(breaker));
        clock.advance(Duration.ofSeconds(1));
        ConcurrentLinkedQueue<CircuitBreaker.Permit> admitted = new ConcurrentLinkedQueue<>();
        Concurrently.Outcome<Integer> outcome = Concurrently.run(16, thread -> {
            int rejected = 0;
            for (int i = 0; i < 200; i++) {
                var permit = breaker.tryAcquirePermission();
                if (permit.isPresent()) {
                    admitted.add(permit.get());
                } else {
                    rejected++;
                }
            }
            return rejected;
        });
        int rejected = outcome.valuesOrThrow().stream().mapToInt(Integer::intValue).sum();
        assertThat(admitted).hasSize(trials);
        assertThat(rejected).isEqualTo(16 * 200 - trials);
        assertThat(breaker.metrics().notPermittedCalls()).isEqualTo(rejected);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        admitted.forEach(CircuitBreaker.Permit::onSuccess);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @RepeatedTest(3)
    void concurrentTrialOutcomesDecideOnceAndAllCount() {
        int trials = 50;
        CircuitBreaker breaker = CircuitBreaker.of("decide", CircuitBreakerConfig.builder().clock(clock)
                .slidingWindow(SlidingWindow.countBased(4, 4)).minimumNumberOfCalls(4)
                .waitInOpen(Duration.ofSeconds(1)).permittedCallsInHalfOpen(trials).build());
        List<CircuitBreakerEvent> events = new ArrayList<>();
        breaker.subscribe(e -> {
            synchronized (events) {
                events.add(e);
            }
        });
        repeat(4, () -> fail(breaker));
        clock.advance(Duration.ofSeconds(1));
        List<CircuitBreaker.Permit> permits = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            permits.add(breaker.acquirePermission());
        }
        AtomicInteger counted = new AtomicInteger();
        Concurrently.run(10, thread -> {
            for (int i = thread; i < trials; i += 10) {
                // every permit settled twice at once: only one of each pair counts
                boolean a = permits.get(i).onSuccess();
                boolean b = permits.get(i).onError(new IllegalStateException());
                if (a || b) {
                    counted.incrementAndGet();
                }
            }
            return null;
        }).valuesOrThrow();
        assertThat(counted).hasValue(trials);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(events).filteredOn(e -> e instanceof CircuitBreakerEvent.StateTransition t && t.to() == State.CLOSED)
                .hasSize(1);
    }

    @Test
    void manyThreadsCountEveryOutcomeInTheWindow() {
        CircuitBreaker breaker = CircuitBreaker.of("count", CircuitBreakerConfig.builder().clock(clock)
                .slidingWindow(SlidingWindow.countBased(1_000_000)).minimumNumberOfCalls(1_000_000)
                .build());
        Concurrently.run(8, thread -> {
            for (int i = 0; i < 10_000; i++) {
                if (i % 4 == 0) {
                    fail(breaker);
                } else {
                    breaker.call(() -> "ok");
                }
            }
            return null;
        }).valuesOrThrow();
        CircuitBreakerMetrics m = breaker.metrics();
        assertThat(m.windowCalls()).isEqualTo(80_000);
        assertThat(m.failedCalls()).isEqualTo(20_000);
        assertThat(m.successfulCalls()).isEqualTo(60_000);
    }

    @Test
    void reconfiguringWhileThreadsCallLosesNoOutcome() {
        CircuitBreakerConfig count = CircuitBreakerConfig.builder().clock(clock)
                .slidingWindow(SlidingWindow.countBased(1_000)).minimumNumberOfCalls(1_000).build();
        CircuitBreakerConfig time = count.toBuilder().slidingWindow(SlidingWindow.timeBased(Duration.ofHours(1)))
                .build();
        CircuitBreaker breaker = CircuitBreaker.of("reconfigured", count);
        Concurrently.run(6, thread -> {
            for (int i = 0; i < 20_000; i++) {
                if (thread == 0 && i % 1_000 == 0) {
                    breaker.reconfigure(i % 2_000 == 0 ? time : count);
                } else {
                    breaker.call(() -> "ok");
                }
            }
            return null;
        }).valuesOrThrow();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().successfulCalls()).isEqualTo(6 * 20_000 - 20);
    }

    @Test
    void aStormOfThreadsNeverLeavesTheBreakerStuck() {
        CircuitBreaker breaker = CircuitBreaker.of("storm", CircuitBreakerConfig.builder().clock(clock)
                .slidingWindow(SlidingWindow.countBased(20, 4)).minimumNumberOfCalls(10)
                .waitInOpen(Duration.ofMillis(10)).exponentialWait(2, Duration.ofMillis(80))
                .permittedCallsInHalfOpen(3).probeTimeout(Duration.ofMillis(50)).build());
        AtomicInteger rejected = new AtomicInteger();
        Concurrently.run(8, thread -> {
            for (int i = 0; i < 5_000; i++) {
                if (thread == 0 && i % 10 == 0) {
                    clock.advance(Duration.ofMillis(1));
                }
                try {
                    if ((i + thread) % 3 != 0) {
                        fail(breaker);
                    } else if (i % 97 == 0) {
                        breaker.tryAcquirePermission(); // a permit that never reports
                    } else {
                        breaker.call(() -> "ok");
                    }
                } catch (CircuitOpenException e) {
                    rejected.incrementAndGet();
                }
            }
            return null;
        }).valuesOrThrow();
        assertThat(rejected.get()).as("the storm tripped it").isPositive();
        // the calm after: past every wait and probe timeout, good calls close it again
        for (int i = 0; i < 10 && breaker.state() != State.CLOSED; i++) {
            clock.advance(Duration.ofMillis(100));
            for (int j = 0; j < 3; j++) {
                try {
                    breaker.call(() -> "ok");
                } catch (CircuitOpenException e) {
                    // a lost probe of the storm holds its slot until its timeout
                }
            }
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }
}
