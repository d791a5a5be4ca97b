package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exact sliding log: the times of the last {@code limit} permits in a ring, oldest first. A
 * request for {@code n} is admitted when the {@code n}-th oldest entry has left the window.
 * Memory is {@code 8 × limit} bytes. Guarantee: at most {@code limit} permits in any half-open
 * interval of length {@code window}.
 *
 * <p>The ring is guarded by a lock held for a few array writes and never while waiting.
 */
final class SlidingLogLimiter extends AbstractLimiter {

    private final ReentrantLock lock = new ReentrantLock();
    private long[] log;
    private int oldest;
    private long window;

    SlidingLogLimiter(String name, RateLimiterConfig.SlidingLog config, Clock clock, boolean countPermits) {
        super(name, config, clock, countPermits, 0);
        long now = clock.nanoTime();
        this.window = config.window().toNanos();
        this.log = new long[(int) config.limit()];
        Arrays.fill(log, now - window);
    }

    @Override
    long reserve(int permits, long now, long maxWait) {
        lock.lock();
        try {
            int length = log.length;
            Limiters.checkPermits(permits, length, "the limit");
            long wait = log[(oldest + permits - 1) % length] + window - now;
            if (wait > 0) {
                return ~wait;
            }
            for (int i = 0; i < permits; i++) {
                log[(oldest + i) % length] = now;
            }
            oldest = (oldest + permits) % length;
            return 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    long available(long now) {
        lock.lock();
        try {
            int free = 0;
            while (free < log.length && log[(oldest + free) % log.length] + window - now <= 0) {
                free++;
            }
            return free;
        } finally {
            lock.unlock();
        }
    }

    @Override
    void drain(long now) {
        lock.lock();
        try {
            for (int i = 0; i < log.length; i++) {
                log[i] = Math.max(log[i], now);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    void apply(RateLimiterConfig next, long now) {
        RateLimiterConfig.SlidingLog config = (RateLimiterConfig.SlidingLog) next;
        long newWindow = config.window().toNanos();
        long[] resized = new long[(int) config.limit()];
        lock.lock();
        try {
            // Keep the newest entries, oldest first; pad the front with expired ones.
            int keep = Math.min(resized.length, log.length);
            int pad = resized.length - keep;
            Arrays.fill(resized, 0, pad, now - newWindow);
            for (int i = 0; i < keep; i++) {
                resized[pad + i] = log[(oldest + log.length - keep + i) % log.length];
            }
            log = resized;
            oldest = 0;
            window = newWindow;
        } finally {
            lock.unlock();
        }
    }
}
