package dev.resilience.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SystemClockTest {

    private final Clock clock = Clock.system();

    @Test
    void sleepWaitsAtLeastTheRequestedNanos() throws InterruptedException {
        long start = System.nanoTime();
        clock.sleep(300_000);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300_000);
    }

    @Test
    void sleepOfZeroOrLessReturnsAtOnce() throws InterruptedException {
        clock.sleep(0);
        clock.sleep(-5);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anInterruptedSleepThrowsAndClearsTheFlag() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> clock.sleep(1_000_000_000L)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void wallMillisFollowsTheSystemClock() {
        long before = System.currentTimeMillis();
        long wall = clock.wallMillis();
        assertThat(wall).isBetween(before, System.currentTimeMillis());
    }
}
