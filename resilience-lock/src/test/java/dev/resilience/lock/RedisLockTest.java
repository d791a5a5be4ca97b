package dev.resilience.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.Backoff;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.LockNotAcquiredException;
import dev.resilience.api.ResilienceException;
import dev.resilience.testkit.Concurrently;
import dev.resilience.testkit.RedisNode;
import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The single-node Redis lock against a real server. */
@WithRedis
class RedisLockTest {

    private static LockClient client(String uri) {
        return LockClient.redis(uri).leaseTime(Duration.ofSeconds(10)).build();
    }

    @Test
    void acquireSetsTheTokenAndReleaseLeavesOnlyTheFenceCounter(TestRedis redis) throws Exception {
        try (LockClient a = client(redis.uri()); LockClient b = client(redis.uri())) {
            LockLease lease = a.lock("order:1").tryAcquire().orElseThrow();
            assertThat(lease.fencingToken()).isPositive();
            assertThat(lease.isValid()).isTrue();
            assertThat((String) redis.command("GET", "lock:{order:1}")).isNotBlank();
            assertThat((Long) redis.command("PTTL", "lock:{order:1}")).isBetween(1L, 10_000L);
            assertThat(b.lock("order:1").tryAcquire()).isEmpty();
            lease.close();
            assertThat(redis.command("EXISTS", "lock:{order:1}")).isEqualTo(0L);
            assertThat(keys(redis, "lock:*order:1*")).containsExactly("lock:{order:1}:fence");
            assertThat(b.lock("order:1").tryAcquire()).isPresent();
        }
    }

    @Test
    void onlyTheHolderReleasesAndARetriedReleaseIsHarmless(TestRedis redis) {
        try (LockClient a = client(redis.uri()); LockClient b = client(redis.uri())) {
            LockLease first = a.lock("only").tryAcquire().orElseThrow();
            first.close();
            LockLease second = b.lock("only").tryAcquire().orElseThrow();
            first.close(); // retried: must not delete the second holder's lock
            Object token = redis.command("GET", "lock:{only}");
            assertThat(token).isNotNull();
            assertThat(second.isValid()).isTrue();
            assertThat(a.lock("only").tryAcquire()).isEmpty();
            second.close();
            second.close();
            assertThat(redis.command("EXISTS", "lock:{only}")).isEqualTo(0L);
        }
    }

    @Test
    void fencingTokensIncreaseAcrossClients(TestRedis redis) {
        List<LockClient> clients = List.of(client(redis.uri()), client(redis.uri()), client(redis.uri()));
        try {
            long last = 0;
            for (int i = 0; i < 30; i++) {
                try (LockLease lease = clients.get(i % 3).lock("fenced").tryAcquire().orElseThrow()) {
                    assertThat(lease.fencingToken()).isGreaterThan(last);
                    last = lease.fencingToken();
                }
            }
        } finally {
            clients.forEach(LockClient::close);
        }
    }

    @Test
    void expiryFreesTheLockOfAHolderThatVanished(TestRedis redis) throws Exception {
        LockClient vanishing = LockClient.redis(redis.uri()).leaseTime(Duration.ofMillis(300)).autoRenew(false).build();
        LockLease abandoned = vanishing.lock("vanish").tryAcquire().orElseThrow();
        vanishing.close(); // the process "dies": no release is sent
        assertThat(abandoned.isValid()).isFalse();
        try (LockClient survivor = client(redis.uri())) {
            LockLease lease = survivor.lock("vanish").acquire(Duration.ofSeconds(10)); // real Redis TTL
            assertThat(lease.fencingToken()).isGreaterThan(abandoned.fencingToken());
            lease.close();
        }
    }

    @Test
    void notAcquiredSaysHowLongItWaitedAndWhenToRetry(TestRedis redis) throws Exception {
        try (LockClient a = client(redis.uri()); LockClient b = client(redis.uri())) {
            LockLease lease = a.lock("busy").tryAcquire().orElseThrow();
            assertThatThrownBy(() -> b.lock("busy").acquire(Duration.ofMillis(50)))
                    .isInstanceOfSatisfying(LockNotAcquiredException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.LOCK_NOT_ACQUIRED);
                        assertThat(e.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
                        assertThat(e.retryAfter()).get().matches(d -> d.compareTo(Duration.ofSeconds(10)) <= 0
                                && d.compareTo(Duration.ofSeconds(5)) > 0);
                    });
            assertThat(b.lock("busy").tryAcquire(Duration.ofMillis(20))).isEmpty();
            lease.close();
        }
    }

    @Test
    void manyThreadsOnSeveralClientsNeverLoseAnUpdate(TestRedis redis) {
        List<LockClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(LockClient.redis(redis.uri()).leaseTime(Duration.ofSeconds(10)).build());
        }
        try {
            redis.command("SET", "counter", "0");
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            Concurrently.run(9, t -> {
                LockClient locks = clients.get(t % 3);
                for (int i = 0; i < 40; i++) {
                    try (LockLease lease = locks.lock("counter").acquire(Duration.ofSeconds(30))) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        // a read-modify-write that loses updates unless the lock excludes
                        long value = Long.parseLong((String) redis.command("GET", "counter"));
                        redis.command("SET", "counter", Long.toString(value + 1));
                        lease.checkValid();
                        inside.decrementAndGet();
                    }
                }
                return null;
            }).valuesOrThrow();
            assertThat(redis.command("GET", "counter")).isEqualTo("360");
            assertThat(maxInside.get()).isEqualTo(1);
            assertThat(redis.command("EXISTS", "lock:{counter}")).isEqualTo(0L);
        } finally {
            clients.forEach(LockClient::close);
        }
    }

    @Test
    void aReleaseWakesAWaiterLongBeforeThePoll(TestRedis redis) throws Exception {
        try (LockClient holder = client(redis.uri());
                LockClient waiting = LockClient.redis(redis.uri())
                        .pollBackoff(Backoff.fixed(Duration.ofSeconds(20))).build()) {
            LockLease lease = holder.lock("wake").tryAcquire().orElseThrow();
            Thread[] waiter = new Thread[1];
            CompletableFuture<Long> acquiredAt = new CompletableFuture<>();
            waiter[0] = new Thread(() -> {
                try (LockLease got = waiting.lock("wake").acquire(Duration.ofSeconds(30))) {
                    acquiredAt.complete(System.nanoTime());
                    got.checkValid();
                } catch (Exception e) {
                    acquiredAt.completeExceptionally(e);
                }
            });
            waiter[0].start();
            while (waiter[0].getState() != Thread.State.TIMED_WAITING && !acquiredAt.isDone()) {
                Thread.onSpinWait(); // until the waiter has tried, subscribed, tried again and parked
            }
            long released = System.nanoTime();
            lease.close();
            long wokeAfter = acquiredAt.get(10, TimeUnit.SECONDS) - released;
            assertThat(Duration.ofNanos(wokeAfter)).isLessThan(Duration.ofSeconds(2));
            waiter[0].join(10_000);
        }
    }

    @Test
    void reentrancyHoldsTheRedisLockUntilTheLastClose(TestRedis redis) throws Exception {
        try (LockClient a = client(redis.uri()); LockClient b = client(redis.uri())) {
            DistributedLock lock = a.lock("re").forOwner("request-1");
            LockLease outer = lock.tryAcquire().orElseThrow();
            LockLease inner = Concurrently.run(1, t -> lock.tryAcquire().orElseThrow()).valuesOrThrow().get(0);
            assertThat(inner.holdCount()).isEqualTo(2);
            inner.close();
            assertThat(redis.command("EXISTS", "lock:{re}")).isEqualTo(1L);
            assertThat(b.lock("re").tryAcquire()).isEmpty();
            outer.close();
            assertThat(redis.command("EXISTS", "lock:{re}")).isEqualTo(0L);
        }
    }

    @Test
    void anUnreachableRedisFailsWithinTheTimeoutInsteadOfHanging(TestRedis redis) {
        RedisNode node = redis.startNode();
        try (LockClient locks = LockClient.redis(node.uri()).commandTimeout(Duration.ofMillis(300)).build()) {
            node.pause();
            long start = System.nanoTime();
            assertThatThrownBy(() -> locks.lock("frozen").tryAcquire())
                    .isInstanceOfSatisfying(ResilienceException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            node.resume();
            node.kill();
            assertThatThrownBy(() -> locks.lock("dead").tryAcquire())
                    .isInstanceOfSatisfying(ResilienceException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE));
        }
    }

    @Test
    void anInterruptedWaiterStopsWaiting(TestRedis redis) throws Exception {
        try (LockClient a = client(redis.uri()); LockClient b = client(redis.uri())) {
            LockLease lease = a.lock("intr").tryAcquire().orElseThrow();
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    Optional<LockLease> got = Optional.of(b.lock("intr").acquire());
                    outcome.complete(new AssertionError("acquired " + got));
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            waiter.start();
            while (waiter.getState() != Thread.State.TIMED_WAITING && !outcome.isDone()) {
                Thread.onSpinWait();
            }
            waiter.interrupt();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            lease.close();
        }
    }

    @Test
    void tryAcquireAsyncGrantsRefusesAndFailsWithoutBlocking(TestRedis redis) throws Exception {
        RedisNode node = redis.startNode();
        try (LockClient a = client(redis.uri()); LockClient b = client(redis.uri());
                LockClient frozen = LockClient.redis(node.uri()).commandTimeout(Duration.ofMillis(200)).build()) {
            LockLease lease = a.lock("async").forOwner("request-9").tryAcquireAsync()
                    .toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(lease.fencingToken()).isPositive();
            assertThat(b.lock("async").tryAcquireAsync().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
            Concurrently.run(1, t -> {
                lease.close(); // closed by another thread than the one that asked for it
                return null;
            }).valuesOrThrow();
            assertThat(redis.command("EXISTS", "lock:{async}")).isEqualTo(0L);

            node.pause();
            CompletableFuture<Optional<LockLease>> stuck = frozen.lock("x").tryAcquireAsync().toCompletableFuture();
            assertThatThrownBy(() -> stuck.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ResilienceException.class)
                    .satisfies(e -> assertThat(((ResilienceException) e.getCause()).code())
                            .isEqualTo(ErrorCode.REDIS_UNAVAILABLE));
            node.resume();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> keys(TestRedis redis, String pattern) {
        return (List<String>) redis.command("KEYS", pattern);
    }
}
