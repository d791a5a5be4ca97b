package dev.resilience.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.api.ResilienceException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class SnowflakeTest {

    private final ManualClock clock = new ManualClock();

    private Snowflake.Builder builder() {
        return Snowflake.builder().workerId(5).clock(clock);
    }

    @Test
    void decodeGivesTheTimestampWorkerAndSequenceBack() {
        Snowflake ids = builder().build();
        long first = ids.nextId();
        long second = ids.nextId();
        assertThat(ids.decode(first)).isEqualTo(new Snowflake.Decoded(clock.wallMillis(), 5, 0));
        assertThat(ids.decode(second)).isEqualTo(new Snowflake.Decoded(clock.wallMillis(), 5, 1));
        assertThat(ids.decode(first).timestamp()).isEqualTo(clock.instant());
        assertThat(first).isPositive().isEqualTo((clock.wallMillis() - Snowflake.Builder.DEFAULT_EPOCH.toEpochMilli()) << 22 | 5 << 12);
    }

    @Test
    void secondsLayoutCountsWholeSeconds() {
        Snowflake ids = builder().layout(SnowflakeLayout.SECONDS).build();
        clock.advanceMillis(1_500);
        Snowflake.Decoded parts = ids.decode(ids.nextId());
        assertThat(parts.timestampMillis()).isEqualTo(clock.wallMillis() - 500);
        assertThat(parts.workerId()).isEqualTo(5);
    }

    @Test
    void jsSafeIdsStayExactInADoubleUntilTheLayoutEnds() {
        long lastMillis = Snowflake.Builder.DEFAULT_EPOCH.toEpochMilli() + SnowflakeLayout.JS_SAFE.lifetime().toMillis() - 1;
        ManualClock nearTheEnd = new ManualClock(0, lastMillis);
        Snowflake ids = Snowflake.builder().layout(SnowflakeLayout.JS_SAFE).workerId(31).minYearsLeft(0).clock(nearTheEnd).build();
        long[] last = ids.nextIds(128);
        assertThat(last[127]).isEqualTo((1L << 53) - 1).isEqualTo((long) (double) last[127]);
        assertThat(ids.decode(last[127])).isEqualTo(new Snowflake.Decoded(lastMillis, 31, 127));
    }

    @Test
    void exhaustedSequenceParksUntilTheNextMillisecond() {
        Snowflake ids = builder().build();
        long[] tick = ids.nextIds(4096);
        assertThat(ids.decode(tick[4095])).isEqualTo(new Snowflake.Decoded(clock.wallMillis(), 5, 4095));
        assertThat(clock.sleptNanos()).isZero();
        long next = ids.nextId();
        assertThat(next).isGreaterThan(tick[4095]);
        assertThat(ids.decode(next)).isEqualTo(new Snowflake.Decoded(clock.wallMillis(), 5, 0));
        assertThat(clock.sleptNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(ids.metrics().exhaustionWaits()).isEqualTo(1);
        assertThat(ids.metrics().borrowedTicks()).isZero();
    }

    @Test
    void borrowsAheadWithinTheBoundThenWaits() {
        Snowflake ids = builder().maxBorrowAhead(Duration.ofMillis(2)).build();
        long start = clock.wallMillis();
        long[] all = ids.nextIds(3 * 4096);
        assertThat(clock.sleptNanos()).isZero();
        assertThat(ids.decode(all[all.length - 1]).timestampMillis()).isEqualTo(start + 2);
        assertThat(ids.metrics()).isEqualTo(new Snowflake.Metrics(0, 0, 2, 2, 2));
        long next = ids.nextId(); // a third tick ahead is beyond the bound: wait one tick
        assertThat(ids.decode(next).timestampMillis()).isEqualTo(start + 3);
        assertThat(clock.sleptNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(ids.metrics().exhaustionWaits()).isEqualTo(1);
        IdChecks.assertStrictlyIncreasing(all);
    }

    @Test
    void clockBehindWithinTheBoundContinuesFromTheLastId() {
        Snowflake ids = builder().maxBorrowAhead(Duration.ofMillis(5)).build();
        long before = ids.nextId();
        clock.setWallMillis(clock.wallMillis() - 3);
        long after = ids.nextId();
        assertThat(after).isGreaterThan(before);
        assertThat(ids.decode(after).timestampMillis()).isEqualTo(ids.decode(before).timestampMillis());
        assertThat(clock.sleptNanos()).isZero();
        assertThat(ids.metrics().borrowAheadTicks()).isEqualTo(3);
    }

    @Test
    void clockBehindBeyondTheBoundWaitsUpToTheTimeout() {
        Snowflake ids = builder().clockBackwardsTimeout(Duration.ofSeconds(1)).build();
        long before = ids.nextId();
        clock.setWallMillis(clock.wallMillis() - 300);
        long after = ids.nextId();
        assertThat(after).isGreaterThan(before);
        assertThat(clock.sleptNanos()).isBetween(TimeUnit.MILLISECONDS.toNanos(300), TimeUnit.MILLISECONDS.toNanos(301));
        assertThat(ids.metrics().clockBackwardsWaits()).isEqualTo(1);
    }

    @Test
    void clockBehindLongerThanTheTimeoutFailsWithClockMovedBackwards() {
        Snowflake ids = builder().clockBackwardsTimeout(Duration.ofSeconds(1)).build();
        long before = ids.nextId();
        clock.setWallMillis(clock.wallMillis() - 5_000);
        assertThatThrownBy(ids::nextId).isInstanceOfSatisfying(ResilienceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOCK_MOVED_BACKWARDS))
                .hasMessageContaining("did not catch up within 1000 ms");
        assertThat(clock.sleptNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        clock.advance(Duration.ofSeconds(4)); // caught up: ids resume above the last one
        assertThat(ids.nextId()).isGreaterThan(before);

        Snowflake failFast = builder().clockBackwardsTimeout(Duration.ZERO).build();
        failFast.nextId();
        clock.setWallMillis(clock.wallMillis() - 1);
        assertThatThrownBy(failFast::nextId).isInstanceOfSatisfying(ResilienceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOCK_MOVED_BACKWARDS));
    }

    @Test
    void clockSetBackDuringAnExhaustionWaitIsBoundedByTheTimeout() {
        // A clock whose wall steps back 5 s the first time someone sleeps on it.
        Clock steppingBack = new Clock() {
            private boolean stepped;

            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public long wallMillis() {
                return clock.wallMillis();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                if (!stepped) {
                    stepped = true;
                    clock.setWallMillis(clock.wallMillis() - 5_000);
                }
                clock.sleep(nanos);
            }
        };
        Snowflake ids = Snowflake.builder().workerId(5).clock(steppingBack).clockBackwardsTimeout(Duration.ofSeconds(1)).build();
        ids.nextIds(4096);
        assertThatThrownBy(ids::nextId).isInstanceOfSatisfying(ResilienceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOCK_MOVED_BACKWARDS));
        assertThat(clock.sleptNanos()).isBetween(TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1_002));
        assertThat(ids.metrics().exhaustionWaits()).isEqualTo(1);
        assertThat(ids.metrics().clockBackwardsWaits()).isEqualTo(1);
    }

    @Test
    void layoutEndFailsWithIdsExhausted() {
        Snowflake ids = builder().layout(new SnowflakeLayout(20, 10, 12, 1)).epoch(clock.instant()).minYearsLeft(0).build();
        assertThat(ids.endsAt()).isEqualTo(clock.instant().plusMillis(1 << 20));
        ids.nextId();
        clock.advanceMillis(1 << 20);
        assertThatThrownBy(ids::nextId).isInstanceOfSatisfying(ResilienceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.IDS_EXHAUSTED));
    }

    @Test
    void randomSequenceStartSpreadsIdsModuloNAtLowTraffic() {
        int n = 8;
        int[] plain = residues(builder().build(), n);
        assertThat(plain[0]).as("one id per ms always has sequence 0: id % 8 is always 0").isEqualTo(20_000);
        int[] spread = residues(builder().randomSequenceStart(true).build(), n);
        // 20,000 ids in 8 buckets: expected 2,500 each; a chi-square with 7 degrees of freedom
        // above 24.32 has probability 0.001 for a uniform source.
        double chiSquare = Arrays.stream(spread).mapToDouble(c -> Math.pow(c - 2_500.0, 2) / 2_500.0).sum();
        assertThat(chiSquare).isLessThan(24.32);
    }

    private int[] residues(Snowflake ids, int n) {
        int[] counts = new int[n];
        long previous = -1;
        for (int i = 0; i < 20_000; i++) {
            clock.advanceMillis(1);
            long id = ids.nextId();
            assertThat(id).isGreaterThan(previous);
            previous = id;
            counts[(int) (id % n)]++;
        }
        return counts;
    }

    @Test
    void randomStartKeepsAtLeastHalfATickAndStaysIncreasing() {
        Snowflake ids = builder().randomSequenceStart(true).build();
        long[] batch = ids.nextIds(2049);
        IdChecks.assertStrictlyIncreasing(batch);
        assertThat(ids.decode(batch[2048]).timestampMillis()).isEqualTo(ids.decode(batch[0]).timestampMillis());
    }

    @Test
    void nextIdsFillsAcrossTicks() {
        Snowflake ids = builder().build();
        long[] all = ids.nextIds(10_000);
        IdChecks.assertStrictlyIncreasing(all);
        assertThat(ids.metrics().exhaustionWaits()).isEqualTo(2);
        assertThat(ids.decode(all[9_999]).sequence()).isEqualTo(10_000 - 2 * 4096 - 1);
        assertThat(ids.nextIds(0)).isEmpty();
    }

    @Test
    void failsClosedWhenTheLeaseLapses() {
        FixedLease lease = new FixedLease(9, clock.wallMillis() + 10);
        Snowflake ids = builder().workerLease(lease).maxBorrowAhead(Duration.ZERO).build();
        assertThat(ids.workerId()).isEqualTo(9);
        assertThatThrownBy(() -> builder().workerLease(lease).layout(SnowflakeLayout.JS_SAFE).build())
                .hasMessageContaining("lease chooses among 1024 worker ids, more than 32");
        long first = ids.nextId();
        // The floor is above the wall clock: it is treated like a clock set back, so the id waits for it.
        assertThat(ids.decode(first).timestampMillis()).isEqualTo(lease.floor + 1);
        assertThat(lease.lastIssued.getAsLong()).isEqualTo(lease.floor + 1);
        lease.valid = false;
        clock.advanceMillis(1);
        assertThatThrownBy(ids::nextId).isInstanceOfSatisfying(ResilienceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.WORKER_LEASE_LOST));
    }

    @Test
    void manyThreadsOnSeveralGeneratorsNeverDuplicate() {
        int generators = 4;
        Snowflake[] ids = new Snowflake[generators];
        for (int g = 0; g < generators; g++) {
            ids[g] = Snowflake.builder().workerId(g).clock(Clock.system()).build();
        }
        // 8 threads, two per generator, 2,000,000 ids: unique overall, increasing per thread.
        List<long[]> results = IdChecks.drawConcurrently(2 * generators, 250_000, thread -> ids[thread % generators]::nextId);
        for (int t = 0; t < results.size(); t++) {
            assertThat(ids[0].decode(results.get(t)[0]).workerId()).isEqualTo(t % generators);
        }
    }

    @Test
    void manyThreadsWhileTheClockJumpsBackAndForthNeverDuplicate() {
        Snowflake ids = builder().maxBorrowAhead(Duration.ofMillis(3)).randomSequenceStart(true)
                .clockBackwardsTimeout(Duration.ofSeconds(10)).build();
        long start = clock.wallMillis();
        // Thread 0 also moves the wall clock: back by up to 20 ms (beyond the bound), or forward.
        IdChecks.drawConcurrently(8, 100_000, thread -> {
            java.util.Random jumps = new java.util.Random(thread);
            long[] count = {0};
            return () -> {
                if (thread == 0 && ++count[0] % 500 == 0) {
                    clock.setWallMillis(clock.wallMillis() + jumps.nextInt(40) - 20);
                }
                return ids.nextId();
            };
        });
        Snowflake.Metrics metrics = ids.metrics();
        assertThat(metrics.clockBackwardsWaits()).isPositive();
        assertThat(metrics.borrowedTicks()).isPositive();
        assertThat(metrics.maxBorrowAheadTicks()).isLessThanOrEqualTo(3);
        assertThat(clock.wallMillis()).isGreaterThan(start);
    }

    /** A lease without Redis, for the generator's side of the contract. */
    static final class FixedLease implements WorkerLease {
        final long id;
        final long floor;
        volatile boolean valid = true;
        LongSupplier lastIssued;

        FixedLease(long id, long floor) {
            this.id = id;
            this.floor = floor;
        }

        @Override
        public long workerId() {
            return id;
        }

        @Override
        public long workerIdCount() {
            return 1024;
        }

        @Override
        public long floorMillis() {
            return floor;
        }

        @Override
        public boolean isValid() {
            return valid;
        }

        @Override
        public void attach(LongSupplier lastIssuedMillis) {
            this.lastIssued = lastIssuedMillis;
        }

        @Override
        public void close() {
            valid = false;
        }
    }

    @Test
    void toStringNamesWorkerAndLayout() {
        assertThat(builder().build().toString()).contains("worker 5").contains(Instant.parse("2024-01-01T00:00:00Z").toString());
    }
}
