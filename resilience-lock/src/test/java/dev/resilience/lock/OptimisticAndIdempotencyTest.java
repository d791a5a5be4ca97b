package dev.resilience.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.Backoff;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.api.ResilienceException;
import dev.resilience.testkit.Concurrently;
import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optimistic (versioned) updates and idempotency keys on a real Redis. */
@WithRedis
class OptimisticAndIdempotencyTest {

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void connect(TestRedis redis) {
        client = RedisClient.create(redis.uri());
        connection = client.connect();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Test
    void compareAndSetAcceptsOnlyTheExpectedVersion() {
        OptimisticLock lock = OptimisticLock.redis(connection).build();
        assertThat(lock.read("doc:{1}")).isEqualTo(new OptimisticLock.Versioned(null, 0));
        assertThat(lock.compareAndSet("doc:{1}", 0, "a")).isEqualTo(1);
        assertThat(lock.compareAndSet("doc:{1}", 0, "b")).isZero();
        assertThat(lock.compareAndSet("doc:{1}", 1, "c")).isEqualTo(2);
        assertThat(lock.read("doc:{1}")).isEqualTo(new OptimisticLock.Versioned("c", 2));
    }

    @Test
    void concurrentUpdatesNeverLoseAnIncrement() {
        OptimisticLock lock = OptimisticLock.redis(connection).maxAttempts(10_000)
                .backoff(Backoff.exponential(Duration.ofNanos(1000), Duration.ofMillis(2)).withJitter(Backoff.Jitter.FULL))
                .build();
        Concurrently.run(8, t -> {
            for (int i = 0; i < 50; i++) {
                lock.update("counter:{opt}", old -> Long.toString(old == null ? 1 : Long.parseLong(old) + 1));
            }
            return null;
        }).valuesOrThrow();
        assertThat(lock.read("counter:{opt}")).isEqualTo(new OptimisticLock.Versioned("400", 400));
    }

    @Test
    void anUpdateThatAlwaysLosesGivesUpWithAConflictAfterBackingOff() {
        ManualClock clock = new ManualClock();
        OptimisticLock lock = OptimisticLock.redis(connection).maxAttempts(3).clock(clock)
                .backoff(Backoff.fixed(Duration.ofMillis(10))).build();
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> lock.update("contended:{x}", old -> {
            calls.incrementAndGet();
            // a rival writes between our read and our compare-and-set, every time
            lock.compareAndSet("contended:{x}", lock.read("contended:{x}").version(), "rival");
            return "mine";
        })).isInstanceOfSatisfying(ResilienceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.OPTIMISTIC_LOCK_CONFLICT));
        assertThat(calls.get()).isEqualTo(3);
        assertThat(clock.sleptNanos()).isEqualTo(Duration.ofMillis(20).toNanos());
        assertThat(lock.read("contended:{x}").value()).isEqualTo("rival");
    }

    @Test
    void theFirstCallerRunsAndDuplicatesGetTheStoredResult() {
        Idempotency once = Idempotency.redis(connection).build();
        AtomicInteger runs = new AtomicInteger();
        assertThat(once.execute("req-1", () -> "receipt-" + runs.incrementAndGet())).isEqualTo("receipt-1");
        assertThat(once.execute("req-1", () -> "receipt-" + runs.incrementAndGet())).isEqualTo("receipt-1");
        assertThat(once.execute("req-2", () -> null)).isNull();
        assertThat(once.execute("req-2", () -> "not run")).isNull();
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aFailedOperationFreesTheKeyForARetry() {
        Idempotency once = Idempotency.redis(connection).build();
        assertThatThrownBy(() -> once.execute("req-fail", () -> {
            throw new IllegalStateException("gateway down");
        })).hasMessage("gateway down");
        assertThat(once.execute("req-fail", () -> "second try")).isEqualTo("second try");
    }

    @Test
    void concurrentDuplicatesWaitForTheFirstOrAreToldItIsInProgress(TestRedis redis) throws Exception {
        Idempotency patient = Idempotency.redis(connection).waitForInProgress(Duration.ofSeconds(30)).build();
        Idempotency impatient = Idempotency.redis(connection).build();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread first = new Thread(() -> patient.execute("req-c", () -> {
            runs.incrementAndGet();
            running.countDown();
            try {
                finish.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done";
        }));
        first.start();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> impatient.execute("req-c", () -> "duplicate"))
                .isInstanceOfSatisfying(ResilienceException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_IN_PROGRESS));
        finish.countDown();
        var results = Concurrently.run(6, t -> patient.execute("req-c", () -> {
            runs.incrementAndGet();
            return "duplicate";
        })).valuesOrThrow();
        first.join(10_000);
        assertThat(new HashSet<>(results)).containsExactly("done");
        assertThat(runs.get()).isEqualTo(1);
        assertThat((Long) redis.command("PTTL", "idempotency:{req-c}")).isPositive();
    }
}
