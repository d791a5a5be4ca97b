package dev.resilience.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    @Test
    void advanceMovesBothReadings() {
        ManualClock clock = new ManualClock(5_000, 1_000);

        clock.advance(Duration.ofMillis(250));

        assertThat(clock.nanoTime()).isEqualTo(5_000 + 250_000_000L);
        assertThat(clock.wallMillis()).isEqualTo(1_250);
    }

    @Test
    void subMillisecondAdvancesAddUpOnTheWallClock() {
        ManualClock clock = new ManualClock(0, 1_000);

        for (int i = 0; i < 4; i++) {
            clock.advanceNanos(250_000);
        }

        assertThat(clock.wallMillis()).isEqualTo(1_001);
    }

    @Test
    void wallJumpLeavesMonotonicTimeAlone() {
        ManualClock clock = new ManualClock();
        long nanos = clock.nanoTime();

        clock.setWallMillis(0);

        assertThat(clock.nanoTime()).isEqualTo(nanos);
        assertThat(clock.wallMillis()).isZero();
    }

    @Test
    void monotonicTimeNeverGoesBack() {
        ManualClock clock = new ManualClock();

        assertThatThrownBy(() -> clock.advanceNanos(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delta must not be negative but was -1");
    }

    @Test
    void sleepAdvancesInsteadOfBlockingAndIsRecorded() throws InterruptedException {
        ManualClock clock = new ManualClock();
        long before = clock.nanoTime();

        clock.sleep(TimeUnit.SECONDS.toNanos(30));
        clock.sleep(TimeUnit.SECONDS.toNanos(12));

        assertThat(clock.nanoTime() - before).isEqualTo(TimeUnit.SECONDS.toNanos(42));
        assertThat(clock.sleptNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(42));
    }

    @Test
    void sleepHonoursInterruption() {
        ManualClock clock = new ManualClock();
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> clock.sleep(1)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(clock.sleptNanos()).isZero();
    }

    @Test
    void scheduledTasksRunInDueOrderAtTheirDueTime() {
        ManualClock clock = new ManualClock(0, 0);
        Scheduler scheduler = clock.scheduler();
        List<String> ran = new ArrayList<>();
        scheduler.schedule(() -> ran.add("b@" + clock.nanoTime()), 200);
        scheduler.schedule(() -> ran.add("a@" + clock.nanoTime()), 100);
        scheduler.schedule(() -> ran.add("c@" + clock.nanoTime()), 300);

        clock.advanceNanos(250);

        assertThat(ran).containsExactly("a@100", "b@200");
        assertThat(clock.nanoTime()).isEqualTo(250);
        assertThat(clock.pendingTasks()).isEqualTo(1);
    }

    @Test
    void tasksScheduledByATaskRunInTheSameAdvanceWhenDue() {
        ManualClock clock = new ManualClock(0, 0);
        Scheduler scheduler = clock.scheduler();
        List<Long> ran = new ArrayList<>();
        scheduler.schedule(() -> {
            ran.add(clock.nanoTime());
            scheduler.schedule(() -> ran.add(clock.nanoTime()), 50);
        }, 100);

        clock.advanceNanos(1_000);

        assertThat(ran).containsExactly(100L, 150L);
    }

    @Test
    void cancelledTasksDoNotRun() {
        ManualClock clock = new ManualClock(0, 0);
        List<String> ran = new ArrayList<>();
        Scheduler.Task task = clock.scheduler().schedule(() -> ran.add("x"), 10);

        assertThat(task.cancel()).isTrue();
        assertThat(task.cancel()).isFalse();
        clock.advanceNanos(100);

        assertThat(ran).isEmpty();
        assertThat(clock.pendingTasks()).isZero();
    }
}
