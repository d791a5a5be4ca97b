package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link LongRule} per key: a {@link ConcurrentHashMap} of key to an {@link AtomicLong} cell.
 * Eviction marks a neutral cell {@link #DEAD} with a CAS before removing it, so a decision racing
 * the eviction either lands before it (and the cell is no longer neutral, so it stays) or sees the
 * mark and starts a fresh, full cell: the same decision the neutral one would have made.
 */
final class KeyedCellLimiter<K> implements KeyedRateLimiter<K> {

    private static final long DEAD = Long.MIN_VALUE;

    private final LongRule rule;
    private final int maxKeys;
    private final long cleanUpInterval;
    private final Clock clock;
    private final ConcurrentHashMap<K, AtomicLong> cells = new ConcurrentHashMap<>();
    /** Only one thread sweeps; the others never wait for it. */
    private final ReentrantLock sweeping = new ReentrantLock();
    private volatile long nextSweep;
    /** When a full map may have room again (the soonest neutral time seen by the last sweep). */
    private volatile long nextRoom;

    KeyedCellLimiter(RateLimiterConfig template, int maxKeys, long cleanUpInterval, Clock clock) {
        long now = clock.nanoTime();
        boolean oneLong = template instanceof RateLimiterConfig.FixedWindow
                || template instanceof RateLimiterConfig.TokenBucket
                        && ((RateLimiterConfig.TokenBucket) template).limits().size() == 1
                        && ((RateLimiterConfig.TokenBucket) template).stripes() == 1;
        if (!oneLong) {
            throw new IllegalArgumentException("template must be a single-limit token bucket, leaky bucket or fixed window"
                    + " (one long per key) but was " + template);
        }
        this.rule = Limiters.rules(template, now)[0];
        this.maxKeys = maxKeys;
        this.cleanUpInterval = cleanUpInterval;
        this.clock = clock;
        this.nextSweep = now + cleanUpInterval;
        this.nextRoom = now;
    }

    @Override
    public long tryAcquireOrRetryAfter(K key, int permits) {
        Checks.notNull("key", key);
        rule.checkPermits(permits);
        long now = clock.nanoTime();
        for (;;) {
            AtomicLong cell = cells.get(key);
            if (cell == null) {
                long refused = admitKey(now);
                if (refused != 0) {
                    return refused;
                }
                cell = cells.computeIfAbsent(key, k -> new AtomicLong(rule.initial(now, Long.MAX_VALUE)));
            }
            long state = cell.get();
            if (state == DEAD) {
                cells.remove(key, cell);
                continue;
            }
            long wait = rule.waitNanos(state, permits, now);
            if (wait != 0) {
                return wait;
            }
            if (cell.compareAndSet(state, rule.take(state, permits, now))) {
                return 0;
            }
        }
    }

    /** Makes room for a new key: 0 if there is, else the nanoseconds until there may be. */
    private long admitKey(long now) {
        if (now - nextSweep >= 0 || cells.size() >= maxKeys && now - nextRoom >= 0) {
            sweep(now);
        }
        if (cells.size() < maxKeys) {
            return 0;
        }
        return Math.max(1, nextRoom - now);
    }

    private int sweep(long now) {
        if (!sweeping.tryLock()) {
            return 0;
        }
        try {
            int removed = 0;
            long soonest = Long.MAX_VALUE;
            for (Map.Entry<K, AtomicLong> entry : cells.entrySet()) {
                AtomicLong cell = entry.getValue();
                long state = cell.get();
                long toNeutral = state == DEAD ? 0 : rule.nanosToNeutral(state, now);
                if (toNeutral == 0 && (state == DEAD || cell.compareAndSet(state, DEAD))) {
                    removed += cells.remove(entry.getKey(), cell) ? 1 : 0;
                } else {
                    soonest = Math.min(soonest, Math.max(1, toNeutral));
                }
            }
            nextSweep = now + cleanUpInterval;
            nextRoom = soonest == Long.MAX_VALUE ? now : now + soonest;
            return removed;
        } finally {
            sweeping.unlock();
        }
    }

    @Override
    public long availablePermits(K key) {
        long now = clock.nanoTime();
        AtomicLong cell = cells.get(Checks.notNull("key", key));
        long state = cell == null ? DEAD : cell.get();
        return state == DEAD ? rule.available(rule.initial(now, Long.MAX_VALUE), now) : rule.available(state, now);
    }

    @Override
    public int size() {
        return cells.size();
    }

    @Override
    public int cleanUp() {
        return sweep(clock.nanoTime());
    }
}
