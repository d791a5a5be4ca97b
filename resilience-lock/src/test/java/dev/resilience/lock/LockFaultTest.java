package dev.resilience.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import dev.resilience.testkit.RedisNode;
import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Redis servers started, frozen, killed and restarted by the tests while locks are held. */
@WithRedis
class LockFaultTest {

    @Test
    void renewalKeepsALongCriticalSectionSafeAndNeverRenewsAfterRelease(TestRedis redis) throws Exception {
        try (LockClient locks = LockClient.redis(redis.uri()).leaseTime(Duration.ofMillis(300)).build();
                LockClient other = LockClient.redis(redis.uri()).build()) {
            List<LockEvent> events = new CopyOnWriteArrayList<>();
            CountDownLatch renewedFourTimes = new CountDownLatch(4);
            CountDownLatch keeperRenewedAfterRelease = new CountDownLatch(3);
            AtomicBoolean released = new AtomicBoolean();
            locks.subscribe(event -> {
                events.add(event);
                if (event.kind() == LockEvent.Kind.RENEWED && event.name().equals("long")) {
                    renewedFourTimes.countDown();
                }
                if (event.kind() == LockEvent.Kind.RENEWED && event.name().equals("keeper") && released.get()) {
                    keeperRenewedAfterRelease.countDown();
                }
            });
            LockLease keeper = locks.lock("keeper").tryAcquire().orElseThrow();
            LockLease lease = locks.lock("long").tryAcquire().orElseThrow();
            long start = System.nanoTime();
            assertThat(renewedFourTimes.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(300));
            assertThat(lease.isValid()).isTrue(); // longer than its lease time, still held
            assertThat((Long) redis.command("PTTL", "lock:{long}")).isPositive();
            assertThat(other.lock("long").tryAcquire()).isEmpty();
            lease.close();
            released.set(true);
            int afterRelease = events.size();
            // three more watchdog ticks (seen on the other lock) and not one renewal of the released one
            assertThat(keeperRenewedAfterRelease.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(events.subList(afterRelease, events.size()))
                    .noneMatch(e -> e.name().equals("long") && e.kind() != LockEvent.Kind.RELEASED);
            assertThat(redis.command("EXISTS", "lock:{long}")).isEqualTo(0L);
            keeper.close();
        }
    }

    @Test
    void aFrozenRedisMakesTheHolderLoseItsLeaseBeforeTheTtlAndTheFenceRejectsItsWrite(TestRedis redis)
            throws Exception {
        RedisNode node = redis.startNode();
        RedisClient raw = RedisClient.create(node.uri());
        // the drift margin covers the timer's lateness on a busy machine
        try (LockClient locks = LockClient.redis(node.uri()).leaseTime(Duration.ofMillis(600))
                        .driftMargin(Duration.ofMillis(200)).commandTimeout(Duration.ofMillis(200)).build();
                LockClient next = LockClient.redis(node.uri()).leaseTime(Duration.ofSeconds(5)).build();
                StatefulRedisConnection<String, String> connection = raw.connect()) {
            FencedStore store = FencedStore.redis(connection);
            long sent = System.nanoTime();
            CompletableFuture<Long> lostAt = new CompletableFuture<>();
            LockLease stale = locks.lock("frozen").tryAcquire().orElseThrow()
                    .onLost(l -> lostAt.complete(System.nanoTime()));
            assertThat(store.write("account", "first", stale.fencingToken())).isTrue();

            node.pause(); // SIGSTOP: renewals cannot reach it
            long lost = lostAt.get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(lost - sent)).isLessThan(Duration.ofMillis(600)); // before the server TTL
            assertThat(stale.isValid()).isFalse();
            node.resume();

            LockLease fresh = next.lock("frozen").acquire(Duration.ofSeconds(10)); // after the key expired
            assertThat(fresh.fencingToken()).isGreaterThan(stale.fencingToken());
            assertThat(store.write("account", "second", fresh.fencingToken())).isTrue();
            // the paused process wakes up and writes with its old token: rejected
            assertThat(store.write("account", "stale", stale.fencingToken())).isFalse();
            assertThat(store.read("account")).contains("second");
            assertThat(store.lastToken("account")).isEqualTo(fresh.fencingToken());
            fresh.close();
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void aRedisRestartedWhileTheLockIsHeldMakesTheLeaseInvalid(TestRedis redis) throws Exception {
        RedisNode node = redis.startNode();
        try (LockClient locks = LockClient.redis(node.uri()).leaseTime(Duration.ofSeconds(1))
                .commandTimeout(Duration.ofMillis(300)).build()) {
            CompletableFuture<LockLease> lost = new CompletableFuture<>();
            LockLease lease = locks.lock("restart").tryAcquire().orElseThrow().onLost(lost::complete);
            node.restart(); // kill -9 and start empty on the same port: the lock is gone
            assertThat(lost.get(10, TimeUnit.SECONDS)).isSameAs(lease);
            assertThat(lease.isValid()).isFalse();
            assertThatThrownBy(lease::checkValid).isInstanceOfSatisfying(ResilienceException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCK_LOST));
            lease.close(); // harmless
        }
    }

    @Test
    void fencedSafetyKeepsTokensIncreasingAcrossARestartThatLostTheCounter(TestRedis redis) throws Exception {
        RedisNode node = redis.startNode();
        try (LockClient locks = LockClient.redis(node.uri()).safety(SafetyLevel.FENCED).build()) {
            long before;
            try (LockLease lease = locks.lock("f").acquire(Duration.ofSeconds(5))) {
                before = lease.fencingToken();
            }
            node.restart();
            LockLease after = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (after == null && System.nanoTime() < deadline) { // until Lettuce has reconnected
                try {
                    after = locks.lock("f").acquire(Duration.ofSeconds(5));
                } catch (ResilienceException reconnecting) {
                    assertThat(reconnecting.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
                    Thread.onSpinWait();
                }
            }
            assertThat(after).isNotNull();
            assertThat(after.fencingToken()).isGreaterThan(before);
            after.close();
        }
    }

    @Test
    void replicatedSafetyWaitsForTheReplicaAndFailsClosedOnAShortAcknowledgement(TestRedis redis) throws Exception {
        RedisNode primary = redis.startNode();
        RedisNode replica = redis.startNode("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!replica.command("INFO", "replication").toString().contains("master_link_status:up")
                && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // a real replica doing its initial sync; each round trip is the pause
        }
        try (LockClient one = LockClient.redis(primary.uri()).safety(SafetyLevel.REPLICATED).replicas(1)
                        .replicationTimeout(Duration.ofSeconds(2)).build();
                LockClient two = LockClient.redis(primary.uri()).safety(SafetyLevel.REPLICATED).replicas(2)
                        .replicationTimeout(Duration.ofMillis(100)).build()) {
            try (LockLease lease = one.lock("r").acquire(Duration.ofSeconds(5))) {
                assertThat(replica.command("GET", "lock:{r}")).isNotNull();
                assertThat(lease.isValid()).isTrue();
            }
            assertThatThrownBy(() -> two.lock("r2").tryAcquire()).isInstanceOfSatisfying(ResilienceException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE));
            assertThat(primary.command("EXISTS", "lock:{r2}")).isEqualTo(0L); // released again: fail closed
        }
    }
}
