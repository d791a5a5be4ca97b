package dev.resilience.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrentlyTest {

    @Test
    void collectsEachThreadsResultByIndex() {
        Concurrently.Outcome<Integer> outcome = Concurrently.run(8, thread -> thread * 10);

        assertThat(outcome.valuesOrThrow()).containsExactly(0, 10, 20, 30, 40, 50, 60, 70);
        assertThat(outcome.failures()).isEmpty();
    }

    @Test
    void allThreadsAreRunningAtOnce() {
        int threads = 6;
        CountDownLatch everyoneInside = new CountDownLatch(threads);

        Concurrently.Outcome<Boolean> outcome = Concurrently.run(threads, Duration.ofSeconds(30), thread -> {
            everyoneInside.countDown();
            return everyoneInside.await(20, java.util.concurrent.TimeUnit.SECONDS);
        });

        assertThat(outcome.valuesOrThrow()).containsOnly(true).hasSize(threads);
    }

    @Test
    void failuresAreCollectedAndReported() {
        AtomicInteger ran = new AtomicInteger();
        Concurrently.Outcome<String> outcome = Concurrently.run(4, thread -> {
            ran.incrementAndGet();
            if (thread % 2 == 0) {
                throw new IllegalStateException("thread " + thread);
            }
            return "ok";
        });

        assertThat(ran).hasValue(4);
        assertThat(outcome.failures()).hasSize(2);
        assertThat(outcome.values()).containsExactly(null, "ok", null, "ok");
        assertThatThrownBy(outcome::valuesOrThrow)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("2 thread(s) failed")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
    }

    @Test
    void aStuckThreadFailsTheRunWithItsStack() {
        CountDownLatch never = new CountDownLatch(1);

        assertThatThrownBy(() -> Concurrently.run(2, Duration.ofMillis(200), thread -> {
            if (thread == 1) {
                never.await();
            }
            return thread;
        })).isInstanceOf(AssertionError.class)
                .hasMessage("1 of 2 threads still running after PT0.2S")
                .satisfies(e -> assertThat(e.getSuppressed()[0]).hasMessage("concurrently-1 is here"));
    }

    @Test
    void rejectsANonPositiveThreadCount() {
        assertThatThrownBy(() -> Concurrently.run(0, thread -> thread))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be positive but was 0");
    }
}
