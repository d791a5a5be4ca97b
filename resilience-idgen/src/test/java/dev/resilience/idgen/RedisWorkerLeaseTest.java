package dev.resilience.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.api.ResilienceException;
import dev.resilience.testkit.Concurrently;
import dev.resilience.testkit.RedisNode;
import dev.resilience.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisWorkerLeaseTest extends RedisClientTest {

    private final ManualClock clock = new ManualClock();

    private RedisWorkerLease.Builder leases(String namespace) {
        return RedisWorkerLease.builder(client).namespace(namespace).clock(clock).scheduler(clock.scheduler());
    }

    @Test
    void manyGeneratorsStartingAtOnceNeverShareASlot() {
        List<WorkerLease> leases = Concurrently.run(48, thread -> leases("crowd").slots(64).acquire()).valuesOrThrow();
        try {
            assertThat(leases).extracting(WorkerLease::workerId).doesNotHaveDuplicates()
                    .allSatisfy(id -> assertThat(id).isBetween(0L, 63L));
        } finally {
            leases.forEach(WorkerLease::close);
        }
        Concurrently.Outcome<WorkerLease> outcome = Concurrently.run(6, thread -> leases("small").slots(4).acquire());
        List<WorkerLease> granted = new ArrayList<>(outcome.values());
        granted.removeIf(lease -> lease == null);
        try {
            assertThat(granted).extracting(WorkerLease::workerId).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
            assertThat(outcome.failures()).hasSize(2).allSatisfy(e -> assertThat(((ResilienceException) e).code())
                    .isEqualTo(ErrorCode.IDS_EXHAUSTED));
        } finally {
            granted.forEach(WorkerLease::close);
        }
    }

    @Test
    void releaseRecordsTheLastIdSoTheNextHolderStartsAboveIt(TestRedis redis) {
        WorkerLease first = leases("release").slots(1).acquire();
        Snowflake a = Snowflake.builder().workerLease(first).clock(clock).build();
        long[] issued = a.nextIds(10_000); // spans three milliseconds
        first.close();
        assertThat(redis.command("EXISTS", "resilience:idgen:{release}:lease:0")).isEqualTo(0L);
        assertThat(redis.command("GET", "resilience:idgen:{release}:floor:0"))
                .isEqualTo(String.valueOf(a.decode(issued[9_999]).timestampMillis()));
        // The released tick is below the recorded floor, so it may finish; the next tick is refused.
        clock.advanceMillis(1);
        assertThatThrownBy(a::nextId).isInstanceOfSatisfying(ResilienceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.WORKER_LEASE_LOST));

        clock.setWallMillis(clock.wallMillis() - 2); // a restart on a clock slightly behind
        try (WorkerLease second = leases("release").slots(1).acquire()) {
            assertThat(second.workerId()).isZero();
            assertThat(second.floorMillis()).isEqualTo(a.decode(issued[9_999]).timestampMillis());
            Snowflake b = Snowflake.builder().workerLease(second).clock(clock).build();
            assertThat(b.nextId()).isGreaterThan(issued[9_999]);
        }
    }

    @Test
    void restartAfterTheClockWasSetBackNeverDuplicates(TestRedis redis) throws Exception {
        WorkerLease crashed = leases("restart").slots(1).ttl(Duration.ofSeconds(30)).acquire();
        Snowflake a = Snowflake.builder().workerLease(crashed).clock(clock).build();
        long attachedAt = clock.wallMillis();
        long last = a.nextIds(5_000)[4_999];
        // The process dies before any timed renewal, without releasing; the lease expires in Redis.
        redis.command("PEXPIRE", "resilience:idgen:{restart}:lease:0", "1");

        ManualClock setBack = new ManualClock(0, clock.wallMillis() - TimeUnit.MINUTES.toMillis(10));
        WorkerLease restarted = acquireWhenFree(RedisWorkerLease.builder(client).namespace("restart").slots(1)
                .clock(setBack).scheduler(setBack.scheduler()));
        try {
            // The floor recorded when the generator attached covers everything the crashed holder
            // could have issued until its lease ran out.
            assertThat(restarted.floorMillis()).isEqualTo(attachedAt + 30_000).isGreaterThan(a.decode(last).timestampMillis());
            Snowflake failFast = Snowflake.builder().workerLease(restarted).clock(setBack)
                    .clockBackwardsTimeout(Duration.ZERO).build();
            assertThatThrownBy(failFast::nextId).isInstanceOfSatisfying(ResilienceException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOCK_MOVED_BACKWARDS));
            setBack.setWallMillis(restarted.floorMillis());
            assertThat(failFast.nextId()).isGreaterThan(last);
            // The crashed holder's late release must not free the new holder's slot.
            crashed.close();
            assertThat(restarted.isValid()).isTrue();
            assertThat(((RedisLease) restarted).renew().get(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            restarted.close();
        }
    }

    @Test
    void aClaimantWhoseClockIsBehindPrefersASlotItNeedNotWaitFor(TestRedis redis) {
        redis.command("SET", "resilience:idgen:{prefer}:floor:0", String.valueOf(clock.wallMillis() + 60_000));
        redis.command("SET", "resilience:idgen:{prefer}:floor:1", String.valueOf(clock.wallMillis() - 60_000));
        try (WorkerLease lease = leases("prefer").slots(2).acquire()) {
            assertThat(lease.workerId()).isEqualTo(1);
            assertThat(lease.workerIdCount()).isEqualTo(2);
            assertThat(lease.floorMillis()).isEqualTo(clock.wallMillis() - 60_000);
            // Only the slot with the floor ahead is left: it is still granted, and the generator waits for the floor.
            try (WorkerLease second = leases("prefer").slots(2).acquire()) {
                assertThat(second.workerId()).isZero();
                assertThat(second.floorMillis()).isEqualTo(clock.wallMillis() + 60_000);
            }
        }
    }

    @Test
    void theTimerRenewsAndStoresTheFloor(TestRedis redis) throws Exception {
        try (WorkerLease lease = leases("renew").slots(1).ttl(Duration.ofSeconds(3)).acquire()) {
            Snowflake ids = Snowflake.builder().workerLease(lease).clock(clock).build();
            // Attaching the generator recorded its floor at once: a crash now still leaves it covered.
            assertThat(redis.command("GET", "resilience:idgen:{renew}:floor:0")).isEqualTo(String.valueOf(clock.wallMillis() + 3_000));
            long id = ids.nextId();
            clock.advance(Duration.ofSeconds(1)); // renewEvery = ttl / 3: the timer fires here
            RedisLease redisLease = (RedisLease) lease;
            assertThat(redisLease.lastRenewal().get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(redisLease.renewals()).as("one when the generator attached, one by the timer").isEqualTo(2);
            assertThat(Long.parseLong((String) redis.command("GET", "resilience:idgen:{renew}:floor:0")))
                    .isEqualTo(ids.decode(id).timestampMillis() + 1_000 + 3_000);
            assertThat((Long) redis.command("PTTL", "resilience:idgen:{renew}:lease:0")).isBetween(2_000L, 3_000L);
            clock.advance(Duration.ofMillis(1_900)); // past the first deadline (2.7 s), inside the renewed one
            assertThat(lease.isValid()).isTrue();
            assertThat(ids.nextId()).isGreaterThan(id);
        }
    }

    @Test
    void failsClosedWhenRenewalsCannotReachRedis(TestRedis redis) {
        RedisNode node = redis.startNode();
        RedisClient isolated = RedisClient.create(node.uri());
        try (WorkerLease lease = RedisWorkerLease.builder(isolated).namespace("loss").slots(1)
                .ttl(Duration.ofSeconds(3)).commandTimeout(Duration.ofMillis(200))
                .clock(clock).scheduler(clock.scheduler()).acquire()) {
            Snowflake ids = Snowflake.builder().workerLease(lease).clock(clock).build();
            ids.nextId();
            node.pause();
            try {
                clock.advance(Duration.ofSeconds(1));
                assertThatThrownBy(() -> ((RedisLease) lease).lastRenewal().get(5, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
                assertThat(lease.isValid()).as("before the deadline").isTrue();
                clock.advance(Duration.ofMillis(1_800)); // 2.8 s: past 90% of the TTL
                assertThat(lease.isValid()).isFalse();
                assertThatThrownBy(ids::nextId).isInstanceOfSatisfying(ResilienceException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.WORKER_LEASE_LOST));
            } finally {
                node.resume();
            }
        } finally {
            isolated.shutdown();
        }
    }

    @Test
    void aTakenOverOrExpiredSlotIsDetectedAtTheNextRenewalAndReused(TestRedis redis) throws Exception {
        WorkerLease first = leases("takeover").slots(1).acquire();
        redis.command("PEXPIRE", "resilience:idgen:{takeover}:lease:0", "1");
        WorkerLease second = acquireWhenFree(leases("takeover").slots(1));
        try {
            assertThat(second.workerId()).isEqualTo(first.workerId());
            assertThat(((RedisLease) first).renew().get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(first.isValid()).isFalse();
            assertThat(second.isValid()).isTrue();
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> RedisWorkerLease.builder(client).namespace("a{b}")).hasMessageContaining("braces");
        assertThatThrownBy(() -> RedisWorkerLease.builder(client).slots(0)).hasMessageContaining("slots");
        assertThatThrownBy(() -> RedisWorkerLease.builder(client).ttl(Duration.ofSeconds(3))
                .renewEvery(Duration.ofSeconds(3)).acquire()).hasMessageContaining("renewEvery must be below 90%");
    }

    /** Retries the claim while Redis expires the old lease (a real TTL: the one wait a test may have). */
    private static WorkerLease acquireWhenFree(RedisWorkerLease.Builder builder) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                return builder.acquire();
            } catch (ResilienceException e) {
                if (e.code() != ErrorCode.IDS_EXHAUSTED || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}
