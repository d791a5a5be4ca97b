package dev.resilience.lock;

import dev.resilience.api.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Locks in this JVM: the same contract as Redis, with expiry measured on the injected clock, so
 * tests drive leases, renewal and loss with a {@code ManualClock}.
 */
final class LocalLockStore implements LockStore {

    /** The current holder: its token and when it expires. */
    private record Entry(String token, long expiresAtNanos) {
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();
    /** Kept after release, like the Redis fence key, so tokens keep increasing. */
    private final ConcurrentHashMap<String, AtomicLong> fences = new ConcurrentHashMap<>();
    private volatile Consumer<String> listener = name -> { };

    LocalLockStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long acquire(String name, String token, long ttlMillis) {
        long now = clock.nanoTime();
        Entry mine = new Entry(token, now + TimeUnit.MILLISECONDS.toNanos(ttlMillis));
        Entry current = locks.compute(name, (key, held) -> held == null || held.expiresAtNanos <= now ? mine : held);
        if (current != mine) {
            return -TimeUnit.NANOSECONDS.toMillis(current.expiresAtNanos - now);
        }
        return fences.computeIfAbsent(name, key -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public CompletableFuture<Long> acquireAsync(String name, String token, long ttlMillis) {
        return CompletableFuture.completedFuture(acquire(name, token, ttlMillis));
    }

    @Override
    public CompletableFuture<Boolean> releaseAsync(String name, String token) {
        return CompletableFuture.completedFuture(release(name, token));
    }

    @Override
    public boolean release(String name, String token) {
        boolean[] removed = new boolean[1];
        locks.computeIfPresent(name, (key, held) -> {
            removed[0] = held.token.equals(token) && held.expiresAtNanos > clock.nanoTime();
            return held.token.equals(token) ? null : held;
        });
        if (removed[0]) {
            listener.accept(name);
        }
        return removed[0];
    }

    @Override
    public CompletionStage<Boolean> extend(String name, String token, long ttlMillis) {
        boolean[] extended = new boolean[1];
        locks.computeIfPresent(name, (key, held) -> {
            long now = clock.nanoTime();
            if (!held.token.equals(token) || held.expiresAtNanos <= now) {
                return held;
            }
            extended[0] = true;
            return new Entry(token, now + TimeUnit.MILLISECONDS.toNanos(ttlMillis));
        });
        return CompletableFuture.completedFuture(extended[0]);
    }

    @Override
    public void listen(Consumer<String> onReleased) {
        this.listener = onReleased;
    }

    @Override
    public void close() {
        locks.clear();
    }
}
