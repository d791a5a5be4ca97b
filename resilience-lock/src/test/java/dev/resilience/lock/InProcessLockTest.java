package dev.resilience.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.LockNotAcquiredException;
import dev.resilience.api.ManualClock;
import dev.resilience.api.ResilienceException;
import dev.resilience.testkit.Concurrently;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shared lease, reentrancy and renewal logic, driven deterministically by a manual clock. */
class InProcessLockTest {

    private final ManualClock clock = new ManualClock();

    private LockClient client(boolean autoRenew) {
        return LockClient.inProcess().leaseTime(Duration.ofMillis(300)).autoRenew(autoRenew)
                .driftMargin(Duration.ofMillis(10)).clock(clock).scheduler(clock.scheduler()).build();
    }

    @Test
    void secondOwnerIsRefusedUntilRelease() throws Exception {
        try (LockClient locks = client(true)) {
            DistributedLock lock = locks.lock("order:1");
            LockLease first = lock.forOwner("a").tryAcquire().orElseThrow();
            assertThat(lock.forOwner("b").tryAcquire()).isEmpty();
            assertThatThrownBy(() -> lock.forOwner("b").acquire(Duration.ZERO))
                    .isInstanceOf(LockNotAcquiredException.class)
                    .satisfies(e -> assertThat(((LockNotAcquiredException) e).code()).isEqualTo(ErrorCode.LOCK_NOT_ACQUIRED))
                    .satisfies(e -> assertThat(((LockNotAcquiredException) e).retryAfter()).isPresent());
            first.close();
            LockLease second = lock.forOwner("b").tryAcquire().orElseThrow();
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            second.close();
        }
    }

    @Test
    void leaseRemainingCountsFromTheSendMinusTheDriftMargin() {
        try (LockClient locks = client(false)) {
            LockLease lease = locks.lock("r").tryAcquire().orElseThrow();
            assertThat(lease.remaining()).isEqualTo(Duration.ofMillis(290));
            clock.advanceMillis(100);
            assertThat(lease.remaining()).isEqualTo(Duration.ofMillis(190));
            lease.close();
            assertThat(lease.isValid()).isFalse();
            assertThat(lease.remainingNanos()).isZero();
        }
    }

    @Test
    void withoutRenewalTheLeaseIsLostBeforeTheStoreExpiresIt() {
        try (LockClient locks = client(false)) {
            long sent = clock.nanoTime();
            AtomicLong lostAt = new AtomicLong();
            LockLease lease = locks.lock("x").tryAcquire().orElseThrow()
                    .onLost(l -> lostAt.set(clock.nanoTime()));
            clock.advanceMillis(289);
            assertThat(lease.isValid()).isTrue();
            assertThat(lostAt.get()).isZero();
            clock.advanceMillis(2);
            assertThat(lease.isValid()).isFalse();
            assertThat(lostAt.get()).isGreaterThan(sent).isLessThan(sent + Duration.ofMillis(300).toNanos());
            assertThatThrownBy(lease::checkValid).isInstanceOf(ResilienceException.class)
                    .satisfies(e -> assertThat(((ResilienceException) e).code()).isEqualTo(ErrorCode.LOCK_LOST));
            // the store expired it too: someone else gets it, with a larger token
            clock.advanceMillis(10);
            LockLease next = locks.lock("x").forOwner("other").tryAcquire().orElseThrow();
            assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
            lease.close(); // a release after the loss changes nothing
            assertThat(next.isValid()).isTrue();
            assertThat(locks.lock("x").forOwner("third").tryAcquire()).isEmpty();
        }
    }

    @Test
    void renewalKeepsALongCriticalSectionAndStopsAfterRelease() {
        try (LockClient locks = client(true)) {
            List<LockEvent> events = new CopyOnWriteArrayList<>();
            locks.subscribe(events::add);
            LockLease lease = locks.lock("long").tryAcquire().orElseThrow();
            for (int i = 0; i < 50; i++) {
                clock.advanceMillis(20); // 1 s in all, more than three lease times
            }
            assertThat(lease.isValid()).isTrue();
            assertThat(locks.lock("long").forOwner("other").tryAcquire()).isEmpty();
            long renewals = events.stream().filter(e -> e.kind() == LockEvent.Kind.RENEWED).count();
            assertThat(renewals).isGreaterThanOrEqualTo(9);
            lease.close();
            events.clear();
            clock.advanceMillis(2_000);
            assertThat(events).noneMatch(e -> e.kind() == LockEvent.Kind.RENEWED || e.kind() == LockEvent.Kind.LOST);
        }
    }

    @Test
    void reentrancyCountsPerOwnerAcrossThreads() throws Exception {
        try (LockClient locks = client(true)) {
            DistributedLock lock = locks.lock("re").forOwner("request-7");
            LockLease outer = lock.tryAcquire().orElseThrow();
            LockLease inner = Concurrently.run(1, t -> lock.tryAcquire().orElseThrow()).valuesOrThrow().get(0);
            assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
            assertThat(outer.holdCount()).isEqualTo(2);
            inner.close();
            inner.close(); // a second close of the same lease does not count twice
            assertThat(outer.holdCount()).isEqualTo(1);
            assertThat(locks.lock("re").forOwner("someone-else").tryAcquire()).isEmpty();
            outer.close();
            assertThat(outer.holdCount()).isZero();
            assertThat(locks.lock("re").forOwner("someone-else").tryAcquire()).isPresent();
        }
    }

    @Test
    void defaultOwnerIsTheThread() throws Exception {
        try (LockClient locks = client(true)) {
            DistributedLock lock = locks.lock("t");
            LockLease outer = lock.tryAcquire().orElseThrow();
            try (LockLease inner = lock.tryAcquire().orElseThrow()) {
                assertThat(inner.holdCount()).isEqualTo(2);
            }
            Optional<LockLease> otherThread = Concurrently.run(1, t -> lock.tryAcquire()).valuesOrThrow().get(0);
            assertThat(otherThread).isEmpty();
            outer.close(); // another thread may close it: the lease, not the thread, owns the lock
            assertThat(Concurrently.run(1, t -> lock.tryAcquire()).valuesOrThrow().get(0)).isPresent();
        }
    }

    @Test
    void manyThreadsNeverHoldAtOnce() {
        LockClient locks = LockClient.inProcess().leaseTime(Duration.ofSeconds(30)).build();
        try (locks) {
            DistributedLock lock = locks.lock("counter");
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            long[] counter = new long[1];
            Concurrently.run(8, t -> {
                for (int i = 0; i < 500; i++) {
                    try (LockLease lease = lock.acquire(Duration.ofSeconds(30))) {
                        lease.checkValid();
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        counter[0]++;
                        inside.decrementAndGet();
                    }
                }
                return null;
            }).valuesOrThrow();
            assertThat(counter[0]).isEqualTo(8 * 500);
            assertThat(maxInside.get()).isEqualTo(1);
        }
    }

    @Test
    void buildersNameTheBadParameter() {
        assertThatThrownBy(() -> LockClient.inProcess().leaseTime(Duration.ofMillis(5)))
                .hasMessageContaining("leaseTime");
        assertThatThrownBy(() -> LockClient.inProcess().safety(SafetyLevel.REPLICATED).build())
                .hasMessageContaining("safety");
        assertThatThrownBy(() -> LockClient.redis()).hasMessageContaining("uris");
        assertThatThrownBy(() -> LockClient.inProcess().leaseTime(Duration.ofSeconds(1)).renewEvery(Duration.ofSeconds(2)).build())
                .hasMessageContaining("renewEvery");
        try (LockClient locks = LockClient.inProcess().build()) {
            assertThatThrownBy(() -> locks.lock("a{b}")).hasMessageContaining("name");
            assertThatThrownBy(() -> locks.lock(" ")).hasMessageContaining("name");
        }
    }
}
