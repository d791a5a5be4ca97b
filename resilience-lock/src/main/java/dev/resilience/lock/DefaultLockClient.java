package dev.resilience.lock;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.EventListener;
import dev.resilience.api.EventPublisher;
import dev.resilience.api.LockNotAcquiredException;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.Scheduler;
import dev.resilience.api.Subscription;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases, reentrancy, renewal and waiting over any {@link LockStore}: the part every variant
 * (single Redis, quorum, in-process) shares.
 */
final class DefaultLockClient implements LockClient {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultLockClient.class);

    /** Registered for renewal, acquire sent, no answer yet: the watchdog skips it. */
    private static final int PENDING = 0;
    private static final int GRANTED = 1;
    private static final int RELEASED = 2;
    private static final int LOST = 3;

    private final Settings settings;
    private final LockStore store;
    private final Clock clock;
    private final EventPublisher<LockEvent> events = new EventPublisher<>("LockClient");
    /** Unique per client; with the sequence it makes every acquisition's token unique. */
    private final String clientId = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<HoldKey, Holding> held = new ConcurrentHashMap<>();
    /** Every acquisition in flight or held: the watchdog renews them and watches their deadlines. */
    private final Set<Holding> active = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final AtomicBoolean listening = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Scheduler.Task tick;

    DefaultLockClient(Settings settings, LockStore store) {
        this.settings = settings;
        this.store = store;
        this.clock = settings.clock();
        tick = settings.scheduler().schedule(this::renewAll, settings.renewNanos());
    }

    @Override
    public DistributedLock lock(String name) {
        Checks.notBlank("name", name);
        if (name.indexOf('{') >= 0 || name.indexOf('}') >= 0) {
            throw new IllegalArgumentException("name must not contain braces but was \"" + name + '"');
        }
        return new DefaultLock(name, null);
    }

    @Override
    public Subscription subscribe(EventListener<? super LockEvent> listener) {
        return events.subscribe(listener);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Scheduler.Task task = tick;
        if (task != null) {
            task.cancel();
        }
        for (Holding holding : held.values()) {
            holding.lose("the LockClient was closed; the lease is no longer renewed");
        }
        store.close();
    }

    // ---------------------------------------------------------------- renewal

    /**
     * One watchdog tick: extends every granted lease in one batch, arms an exact deadline timer for
     * each lease whose deadline comes before the next tick (only leases whose renewals failed, or
     * that are not renewed), then schedules the next tick. So a healthy lease costs no timer of its own.
     */
    private void renewAll() {
        if (closed.get()) {
            return;
        }
        try {
            long sent = clock.nanoTime();
            for (Holding holding : active) {
                if (holding.state.get() != GRANTED) {
                    continue;
                }
                if (settings.autoRenew()) {
                    store.extend(holding.name, holding.token, settings.leaseMillis())
                            .whenComplete((extended, error) -> holding.renewed(extended, error, sent));
                }
                if (holding.deadlineNanos - sent <= settings.renewNanos()
                        && holding.deadlineWatched.compareAndSet(false, true)) {
                    holding.watchDeadline();
                }
            }
            store.flush();
        } catch (RuntimeException e) {
            LOG.warn("lock renewal tick failed; leases stay valid until their deadlines", e);
        } finally {
            if (!closed.get()) {
                tick = settings.scheduler().schedule(this::renewAll, settings.renewNanos());
            }
        }
    }

    private void publish(LockEvent.Kind kind, Holding holding) {
        if (events.hasListeners()) {
            events.publish(new LockEvent(kind, holding.name, holding.fence, clock.wallMillis()));
        }
    }

    // ---------------------------------------------------------------- waiting

    private Waiter register(String name) {
        if (listening.compareAndSet(false, true)) {
            try {
                store.listen(this::wake);
            } catch (ResilienceException e) {
                listening.set(false);
                LOG.debug("no release notifications; waiters poll", e);
            }
        }
        Waiter waiter = new Waiter(Thread.currentThread());
        waiters.compute(name, (key, set) -> {
            Set<Waiter> result = set == null ? ConcurrentHashMap.newKeySet() : set;
            result.add(waiter);
            return result;
        });
        return waiter;
    }

    private void unregister(String name, Waiter waiter) {
        waiters.computeIfPresent(name, (key, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }

    private void wake(String name) {
        Set<Waiter> set = waiters.get(name);
        if (set != null) {
            set.forEach(Waiter::signal);
        }
    }

    /** A thread waiting for a lock; a release signal ends its current pause early. */
    private final class Waiter {
        private final Thread thread;
        private volatile boolean signalled;

        Waiter(Thread thread) {
            this.thread = thread;
        }

        void signal() {
            signalled = true;
            LockSupport.unpark(thread);
        }

        /** Forgets earlier signals; called before each attempt, so only a release after it counts. */
        void clear() {
            signalled = false;
        }

        /**
         * Parks for up to {@code nanos} or until signalled; a signal since the last {@link #clear()}
         * ends it at once, so a release between the attempt and the pause is not missed.
         */
        void pause(long nanos) throws InterruptedException {
            long until = clock.nanoTime() + nanos;
            for (long left = nanos; !signalled && left > 0; left = until - clock.nanoTime()) {
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for a lock");
                }
            }
        }
    }

    // ---------------------------------------------------------------- locks

    /** Who holds what: reentrancy is counted per lock name and owner. */
    private record HoldKey(String name, Object owner) {
    }

    private final class DefaultLock implements DistributedLock {
        private final String name;
        /** Null: the calling thread. */
        private final Object owner;

        DefaultLock(String name, Object owner) {
            this.name = name;
            this.owner = owner;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DistributedLock forOwner(Object owner) {
            return new DefaultLock(name, Checks.notNull("owner", owner));
        }

        @Override
        public Optional<LockLease> tryAcquire() {
            try {
                return Optional.ofNullable(attempt(owner(), null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while acquiring lock '" + name + "'", e);
            }
        }

        @Override
        public Optional<LockLease> tryAcquire(Duration wait) throws InterruptedException {
            Checks.nonNegative("wait", wait);
            return Optional.ofNullable(await(saturatedNanos(wait), null));
        }

        @Override
        public LockLease acquire(Duration wait) throws InterruptedException {
            Checks.nonNegative("wait", wait);
            long[] holderLeftMillis = new long[1];
            long start = clock.nanoTime();
            Lease lease = await(saturatedNanos(wait), holderLeftMillis);
            if (lease == null) {
                throw new LockNotAcquiredException(name, Duration.ofNanos(clock.nanoTime() - start),
                        TimeUnit.MILLISECONDS.toNanos(holderLeftMillis[0]));
            }
            return lease;
        }

        @Override
        public LockLease acquire() throws InterruptedException {
            return await(Long.MAX_VALUE, null);
        }

        private Object owner() {
            return owner != null ? owner : Thread.currentThread();
        }

        /**
         * Tries, then registers as a waiter and tries again (so a release between the two cannot
         * be missed), then pauses until a release signal or the next jittered poll, whichever
         * comes first, and never longer than the holder has left.
         */
        private Lease await(long waitNanos, long[] holderLeftMillis) throws InterruptedException {
            Object who = owner();
            long[] left = holderLeftMillis != null ? holderLeftMillis : new long[1];
            Lease lease = attempt(who, left);
            if (lease != null || waitNanos == 0) {
                return lease;
            }
            long start = clock.nanoTime();
            Waiter waiter = register(name);
            try {
                long previous = 0;
                for (int round = 1; ; round = Math.min(round + 1, 30)) {
                    waiter.clear();
                    lease = attempt(who, left);
                    if (lease != null) {
                        return lease;
                    }
                    long remaining = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (clock.nanoTime() - start);
                    if (remaining <= 0) {
                        return null;
                    }
                    previous = settings.pollBackoff().delayNanos(round, previous);
                    long pause = Math.min(remaining, previous);
                    if (left[0] > 0) {
                        pause = Math.min(pause, TimeUnit.MILLISECONDS.toNanos(left[0]) + 1_000_000L);
                    }
                    waiter.pause(pause);
                }
            } finally {
                unregister(name, waiter);
            }
        }

        /** One attempt: a re-entry if the owner holds the lock, else an acquire in the store. */
        private Lease attempt(Object who, long[] holderLeftMillis) throws InterruptedException {
            HoldKey key = new HoldKey(name, who);
            Lease reentered = reenter(key);
            if (reentered != null) {
                return reentered;
            }
            Holding fresh = begin(key);
            long sent = clock.nanoTime();
            long reply;
            try {
                reply = store.acquire(name, fresh.token, settings.leaseMillis());
            } catch (RuntimeException | InterruptedException e) {
                active.remove(fresh);
                throw e;
            }
            return finish(fresh, reply, sent, holderLeftMillis);
        }

        @Override
        public CompletableFuture<Optional<LockLease>> tryAcquireAsync() {
            HoldKey key = new HoldKey(name, owner());
            Lease reentered = reenter(key);
            if (reentered != null) {
                return CompletableFuture.completedFuture(Optional.of(reentered));
            }
            Holding fresh = begin(key);
            long sent = clock.nanoTime();
            return store.acquireAsync(name, fresh.token, settings.leaseMillis())
                    .orTimeout(2 * settings.commandTimeoutNanos(), TimeUnit.NANOSECONDS)
                    .handle((reply, error) -> {
                        if (error == null) {
                            return Optional.<LockLease>ofNullable(finish(fresh, reply, sent, null));
                        }
                        active.remove(fresh);
                        store.releaseAsync(name, fresh.token); // the SET may have landed without an answer
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        throw cause instanceof ResilienceException ? (ResilienceException) cause
                                : new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "acquire of '" + name
                                        + "' failed: " + cause, cause);
                    });
        }

        private Lease reenter(HoldKey key) {
            if (closed.get()) {
                throw new IllegalStateException("the LockClient is closed");
            }
            Holding current = held.get(key);
            return current != null && current.reenter() ? new Lease(current) : null;
        }

        /** A new acquisition, registered with the watchdog before its acquire is sent. */
        private Holding begin(HoldKey key) {
            Holding fresh = new Holding(name, key, clientId + ':' + sequence.incrementAndGet());
            active.add(fresh); // no window where a granted lease is not renewed
            return fresh;
        }

        private Lease finish(Holding fresh, long reply, long sentNanos, long[] holderLeftMillis) {
            if (reply <= 0) {
                active.remove(fresh);
                if (holderLeftMillis != null) {
                    holderLeftMillis[0] = -reply;
                }
                return null;
            }
            fresh.grant(reply, sentNanos);
            held.put(fresh.key, fresh);
            publish(LockEvent.Kind.ACQUIRED, fresh);
            return new Lease(fresh);
        }
    }

    private static long saturatedNanos(Duration wait) {
        return wait.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : wait.toNanos();
    }

    /** One acquisition in the store, shared by the owner's re-entrant leases. */
    private final class Holding {
        final String name;
        final HoldKey key;
        final String token;
        final AtomicInteger state = new AtomicInteger(PENDING);
        final AtomicInteger holds = new AtomicInteger(1);
        final CopyOnWriteArrayList<Runnable> onLost = new CopyOnWriteArrayList<>();
        final AtomicBoolean deadlineWatched = new AtomicBoolean();
        volatile long fence;
        volatile long deadlineNanos;
        volatile boolean releaseConfirmed;

        Holding(String name, HoldKey key, String token) {
            this.name = name;
            this.key = key;
            this.token = token;
        }

        void grant(long fence, long sentNanos) {
            this.fence = fence;
            this.deadlineNanos = sentNanos + settings.leaseNanos() - settings.driftNanos();
            state.set(GRANTED);
        }

        /** Reports the loss when the local deadline passes without a renewal having moved it. */
        void watchDeadline() {
            settings.scheduler().schedule(() -> {
                if (state.get() != GRANTED) {
                    return;
                }
                if (clock.nanoTime() >= deadlineNanos) {
                    lose(settings.autoRenew() ? "its lease ran out before a renewal reached Redis" : "its lease ran out");
                } else {
                    deadlineWatched.set(false); // renewed meanwhile: the next tick re-arms if needed
                }
            }, deadlineNanos - clock.nanoTime());
        }

        boolean valid(long now) {
            return state.get() == GRANTED && now < deadlineNanos;
        }

        /** Adds a hold if the acquisition is still valid and not being released. */
        boolean reenter() {
            for (int count = holds.get(); count > 0 && valid(clock.nanoTime()); count = holds.get()) {
                if (holds.compareAndSet(count, count + 1)) {
                    return true;
                }
            }
            return false;
        }

        void renewed(Boolean extended, Throwable error, long sentNanos) {
            if (state.get() != GRANTED) {
                return; // released or lost meanwhile: an answer for an old lease changes nothing
            }
            if (error != null) {
                LOG.debug("renewal of lock '{}' failed; the lease stays valid until its deadline", name, error);
                publish(LockEvent.Kind.RENEWAL_FAILED, this);
            } else if (Boolean.TRUE.equals(extended)) {
                long deadline = sentNanos + settings.leaseNanos() - settings.driftNanos();
                if (deadline > deadlineNanos) {
                    deadlineNanos = deadline;
                }
                publish(LockEvent.Kind.RENEWED, this);
            } else {
                lose("it was no longer held in Redis at renewal (expired or taken over)");
            }
        }

        void lose(String why) {
            if (!state.compareAndSet(GRANTED, LOST)) {
                return;
            }
            active.remove(this);
            held.remove(key, this);
            LOG.warn("lock '{}' (fencing token {}) lost: {}", name, fence, why);
            publish(LockEvent.Kind.LOST, this);
            onLost.forEach(DefaultLockClient::runCallback);
        }

        /** Releases in the store once the last hold is closed; renewal is cancelled before the release is sent. */
        void release() {
            active.remove(this);
            held.remove(key, this);
            state.compareAndSet(GRANTED, RELEASED);
            store.release(name, token);
            releaseConfirmed = true;
            publish(LockEvent.Kind.RELEASED, this);
        }
    }

    private static void runCallback(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("an onLost callback threw", e);
        }
    }

    /** The handle the caller holds; closing it gives up one hold. */
    private final class Lease implements LockLease {
        private final Holding holding;
        private final AtomicBoolean closed = new AtomicBoolean();

        Lease(Holding holding) {
            this.holding = holding;
        }

        @Override
        public String name() {
            return holding.name;
        }

        @Override
        public long fencingToken() {
            return holding.fence;
        }

        @Override
        public boolean isValid() {
            return !closed.get() && holding.valid(clock.nanoTime());
        }

        @Override
        public Duration remaining() {
            return Duration.ofNanos(remainingNanos());
        }

        @Override
        public long remainingNanos() {
            return isValid() ? Math.max(0, holding.deadlineNanos - clock.nanoTime()) : 0;
        }

        @Override
        public void checkValid() {
            if (!isValid()) {
                throw new ResilienceException(ErrorCode.LOCK_LOST, "the lease of lock '" + holding.name
                        + "' (fencing token " + holding.fence + ") is no longer valid");
            }
        }

        @Override
        public int holdCount() {
            return Math.max(0, holding.holds.get());
        }

        @Override
        public LockLease onLost(Consumer<? super LockLease> callback) {
            Checks.notNull("callback", callback);
            AtomicBoolean ran = new AtomicBoolean();
            Runnable once = () -> {
                if (ran.compareAndSet(false, true)) {
                    callback.accept(this);
                }
            };
            holding.onLost.add(once);
            if (holding.state.get() == LOST) {
                runCallback(once); // lost before (or while) the callback was added; "once" keeps it to one run
            }
            return this;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                if (holding.holds.decrementAndGet() == 0) {
                    holding.release();
                }
            } else if (holding.holds.get() == 0 && !holding.releaseConfirmed) {
                holding.release(); // the earlier release failed to reach Redis: try again
            }
        }

        @Override
        public String toString() {
            return "LockLease[" + holding.name + ", token " + holding.fence + (isValid() ? ", valid" : ", invalid") + "]";
        }
    }
}
