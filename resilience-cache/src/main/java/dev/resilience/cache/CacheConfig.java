package dev.resilience.cache;

import dev.resilience.api.Clock;
import dev.resilience.api.Scheduler;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * The settings of a {@link ResilientCache}, validated when made. Build one through
 * {@link ResilientCache#builder()}; each setter there documents its component.
 *
 * <pre>{@code
 * ResilientCache<Long, User> users = ResilientCache.<Long, User>builder()
 *         .ttl(Duration.ofMinutes(5)).jitter(0.1).absentTtl(Duration.ofSeconds(30))
 *         .store(userStore).build();
 * CacheConfig settings = users.config();
 * }</pre>
 *
 * @param maximumSize the most entries kept (Caffeine's size-based eviction)
 * @param ttl how long a loaded value is fresh, before jitter
 * @param absentTtl how long "no such key" is remembered, before jitter
 * @param jitter the fraction {@code x} in {@code [0, 1)}: each TTL is drawn from {@code ttl × (1 ± x)}
 * @param loadTimeout how long callers wait for one load before a {@code TIMEOUT}
 * @param refreshAhead age after which a hit reloads in the background while serving the old value; zero for off
 * @param staleOnError how long past its TTL a value may still be served when its reload fails; zero for off
 * @param earlyRefreshBeta XFetch's beta: above zero, a hit close to expiry reloads early with a
 *        probability that grows as expiry nears (1.0 is the paper's default); zero for off
 * @param clock the source of time, also Caffeine's ticker
 * @param scheduler the timer of load timeouts
 * @param executor where loads run, so a waiting caller can time out and other keys never wait
 * @param random the source of jitter and early-refresh draws (seed it for repeatable tests)
 */
public record CacheConfig(long maximumSize, Duration ttl, Duration absentTtl, double jitter,
        Duration loadTimeout, Duration refreshAhead, Duration staleOnError, double earlyRefreshBeta,
        Clock clock, Scheduler scheduler, Executor executor, RandomGenerator random) {

    /** Validates every component; each failure names the parameter and the value. */
    public CacheConfig {
        Checks.positive("maximumSize", maximumSize);
        Checks.positive("ttl", ttl);
        Checks.positive("absentTtl", absentTtl);
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1) but was " + jitter);
        }
        Checks.positive("loadTimeout", loadTimeout);
        Checks.nonNegative("refreshAhead", refreshAhead);
        if (!refreshAhead.isZero() && refreshAhead.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("refreshAhead must be shorter than ttl (" + ttl + ") but was " + refreshAhead);
        }
        Checks.nonNegative("staleOnError", staleOnError);
        if (!(earlyRefreshBeta >= 0) || Double.isInfinite(earlyRefreshBeta)) {
            throw new IllegalArgumentException("earlyRefreshBeta must be finite and not negative but was " + earlyRefreshBeta);
        }
        Checks.notNull("clock", clock);
        Checks.notNull("scheduler", scheduler);
        Checks.notNull("executor", executor);
        Checks.notNull("random", random);
    }

    /** True if a hit must read the clock: only jitter, refresh-ahead, early refresh and stale serving need it. */
    boolean timedHits() {
        return jitter > 0 || !refreshAhead.isZero() || !staleOnError.isZero() || earlyRefreshBeta > 0;
    }
}
