package dev.resilience.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.api.ResilienceException;
import dev.resilience.testkit.RedisNode;
import dev.resilience.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisSegmentAllocatorTest extends RedisClientTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void prefetchesTheNextRangeWhenTheConfiguredFractionIsLeft(TestRedis redis) throws Exception {
        try (SegmentAllocator ids = RedisSegmentAllocator.builder(client, "prefetch").clock(clock)
                .step(100).prefetchWhenRemaining(0.5).segmentDuration(Duration.ofSeconds(10)).startAfter(1_000).build()) {
            for (long expected = 1_001; expected < 1_050; expected++) {
                assertThat(ids.nextId()).isEqualTo(expected);
            }
            assertThat(redis.command("GET", "resilience:idgen:{prefetch}:segment")).isEqualTo("1100");
            assertThat(ids.nextId()).isEqualTo(1_050); // half the range left: the next one is fetched now
            ((RedisSegments) ids).pendingFetch().get(5, TimeUnit.SECONDS);
            // Half the first range went in no time, far under the 10 s target: the step doubled.
            assertThat(redis.command("GET", "resilience:idgen:{prefetch}:segment")).isEqualTo("1300");
            for (long expected = 1_051; expected <= 1_300; expected++) {
                assertThat(ids.nextId()).isEqualTo(expected);
            }
            ((RedisSegments) ids).pendingFetch().get(5, TimeUnit.SECONDS);
            assertThat(ids.metrics().waits()).as("nextId never waited on Redis").isZero();
            assertThat(ids.metrics().segmentsFetched()).isEqualTo(3);
        }
    }

    @Test
    void theStepFollowsTheConsumptionRate() throws Exception {
        try (SegmentAllocator ids = RedisSegmentAllocator.builder(client, "adaptive").clock(clock)
                .step(100).minStep(25).maxStep(800).segmentDuration(Duration.ofSeconds(10)).build()) {
            RedisSegments segments = (RedisSegments) ids;
            long[] steps = new long[5];
            for (int i = 0; i < steps.length; i++) { // fast: each range used at once
                drain(segments, ids);
                steps[i] = ids.metrics().step();
            }
            assertThat(steps).containsExactly(200, 400, 800, 800, 800);
            for (int i = 0; i < steps.length; i++) { // slow: a minute per range
                clock.advance(Duration.ofMinutes(1));
                drain(segments, ids);
                steps[i] = ids.metrics().step();
            }
            assertThat(steps).containsExactly(400, 200, 100, 50, 25);
        }
    }

    /** Uses the current range up to its prefetch point and waits for the prefetch. */
    private static void drain(RedisSegments segments, SegmentAllocator ids) throws Exception {
        long fetched = ids.metrics().segmentsFetched();
        while (ids.metrics().segmentsFetched() == fetched) {
            ids.nextId();
            segments.pendingFetch().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void manyAllocatorsAndThreadsNeverDuplicate() {
        int allocators = 4;
        int threadsPerAllocator = 2;
        int perThread = 250_000;
        SegmentAllocator[] ids = new SegmentAllocator[allocators];
        for (int a = 0; a < allocators; a++) {
            ids[a] = RedisSegmentAllocator.builder(client, "shared").clock(Clock.system()).step(500).build();
        }
        try {
            // 8 threads, two per allocator, 2,000,000 ids: unique overall, increasing per thread.
            List<long[]> results = IdChecks.drawConcurrently(allocators * threadsPerAllocator, perThread,
                    thread -> ids[thread % allocators]::nextId);
            assertThat(results).allSatisfy(r -> assertThat(r[0]).isPositive());
            assertThat(Arrays.stream(ids).mapToLong(a -> a.metrics().segmentsFetched()).sum()).isGreaterThan(8);
        } finally {
            Arrays.stream(ids).forEach(SegmentAllocator::close);
        }
    }

    @Test
    void redisDownServesTheRestOfTheRangeThenFailsClearlyThenRecovers(TestRedis redis) throws Exception {
        RedisNode node = redis.startNode();
        RedisClient isolated = RedisClient.create(node.uri());
        try (SegmentAllocator ids = RedisSegmentAllocator.builder(isolated, "outage").clock(clock).step(100)
                .prefetchWhenRemaining(0.1).commandTimeout(Duration.ofMillis(300)).build()) {
            for (long expected = 1; expected <= 5; expected++) {
                assertThat(ids.nextId()).isEqualTo(expected);
            }
            node.pause();
            try {
                for (long expected = 6; expected <= 100; expected++) {
                    assertThat(ids.nextId()).isEqualTo(expected);
                }
                assertThatThrownBy(ids::nextId).isInstanceOfSatisfying(ResilienceException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE))
                        .hasMessageContaining("used up").hasMessageContaining("{outage}");
                assertThat(ids.metrics().failedFetches()).isPositive();
            } finally {
                node.resume();
            }
            long next = ids.nextId();
            assertThat(next).isGreaterThan(100);
        } finally {
            isolated.shutdown();
        }
    }

    @Test
    void failsClearlyWhenRedisIsDownAtTheStart(TestRedis redis) {
        RedisNode node = redis.startNode();
        RedisURI uri = RedisURI.create(node.uri());
        uri.setTimeout(Duration.ofMillis(200)); // the connection handshake's timeout is the client's
        RedisClient isolated = RedisClient.create(uri);
        node.pause();
        try {
            assertThatThrownBy(() -> RedisSegmentAllocator.builder(isolated, "down").commandTimeout(Duration.ofMillis(200)).build())
                    .isInstanceOfSatisfying(ResilienceException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE));
            assertThatThrownBy(() -> RedisWorkerLease.builder(isolated).commandTimeout(Duration.ofMillis(200)).acquire())
                    .isInstanceOfSatisfying(ResilienceException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE))
                    .hasMessageContaining("to claim a worker id");
        } finally {
            node.resume();
            isolated.shutdown();
        }
    }

    @Test
    void rejectsInconsistentSteps() {
        assertThatThrownBy(() -> RedisSegmentAllocator.builder(client, "x").step(10).minStep(20).build())
                .hasMessageContaining("step must be between minStep 20");
        assertThatThrownBy(() -> RedisSegmentAllocator.builder(client, "x").prefetchWhenRemaining(1.0))
                .hasMessageContaining("prefetchWhenRemaining");
        assertThatThrownBy(() -> RedisSegmentAllocator.builder(client, "{x}")).hasMessageContaining("braces");
    }
}
