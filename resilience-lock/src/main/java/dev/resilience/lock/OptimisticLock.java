package dev.resilience.lock;

import dev.resilience.api.Backoff;
import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.internal.Checks;
import io.lettuce.core.KeyValue;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A versioned value in Redis, changed by compare-and-set on its version: no lock is held while
 * the new value is computed, and a writer that lost the race reads again and retries after a
 * back-off. Suits rarely contended records; under heavy contention a {@link DistributedLock}
 * wastes less work.
 *
 * <pre>{@code
 * OptimisticLock balances = OptimisticLock.redis(connection)
 *         .maxAttempts(10)
 *         .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(50)).withJitter(Backoff.Jitter.FULL))
 *         .build();
 * OptimisticLock.Versioned after = balances.update("balance:{42}",
 *         old -> Long.toString((old == null ? 0 : Long.parseLong(old)) + 100));
 * }</pre>
 *
 * <p>Each key is a hash with fields {@code value} and {@code version}; version 0 means absent.
 */
public interface OptimisticLock {

    /**
     * A value and the version that wrote it.
     *
     * @param value the value, null if absent
     * @param version the version, 0 if absent
     */
    record Versioned(String value, long version) {
    }

    /** The current value and version. */
    Versioned read(String key);

    /**
     * Writes {@code value} if the key is still at {@code expectedVersion} (0: absent).
     *
     * @return the new version, or 0 if another writer got there first
     */
    long compareAndSet(String key, long expectedVersion, String value);

    /**
     * Reads, applies {@code change} (to null if absent) and writes back with compare-and-set,
     * retrying after the back-off while other writers win.
     *
     * @throws ResilienceException {@code OPTIMISTIC_LOCK_CONFLICT} when every attempt lost
     */
    Versioned update(String key, UnaryOperator<String> change);

    /** A builder over a Redis connection the application owns. */
    static Builder redis(StatefulRedisConnection<String, String> connection) {
        return new Builder(Checks.notNull("connection", connection));
    }

    /** Builds an {@link OptimisticLock}. */
    final class Builder {
        private final StatefulRedisConnection<String, String> connection;
        private int maxAttempts = 10;
        private Backoff backoff = Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(100))
                .withJitter(Backoff.Jitter.FULL);
        private Clock clock = Clock.system();

        private Builder(StatefulRedisConnection<String, String> connection) {
            this.connection = connection;
        }

        /** Attempts of {@link OptimisticLock#update} before it gives up; default 10. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = Checks.positive("maxAttempts", maxAttempts);
            return this;
        }

        /** The pause between attempts; default exponential 1 ms to 100 ms with full jitter. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Checks.notNull("backoff", backoff);
            return this;
        }

        /** The clock that sleeps between attempts. */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** The lock. */
        public OptimisticLock build() {
            return new RedisOptimisticLock(connection, maxAttempts, backoff, clock);
        }
    }
}

/** {@link OptimisticLock} with one Lua compare-and-set per write. */
final class RedisOptimisticLock implements OptimisticLock {

    /** KEYS: the hash. ARGV: expected version, value. Returns the new version or 0. */
    private static final RedisScript CAS = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')",
            "if version ~= tonumber(ARGV[1]) then return 0 end",
            "redis.call('HSET', KEYS[1], 'value', ARGV[2], 'version', string.format('%d', version + 1))",
            "return version + 1"));

    private final StatefulRedisConnection<String, String> connection;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Clock clock;

    RedisOptimisticLock(StatefulRedisConnection<String, String> connection, int maxAttempts, Backoff backoff,
            Clock clock) {
        this.connection = connection;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.clock = clock;
    }

    @Override
    public Versioned read(String key) {
        List<KeyValue<String, String>> fields = connection.sync().hmget(Checks.notNull("key", key), "value", "version");
        String version = fields.get(1).getValueOrElse(null);
        return new Versioned(fields.get(0).getValueOrElse(null), version == null ? 0 : Long.parseLong(version));
    }

    @Override
    public long compareAndSet(String key, long expectedVersion, String value) {
        Checks.notNull("key", key);
        Checks.notNull("value", value);
        Checks.nonNegative("expectedVersion", expectedVersion);
        try {
            return CAS.<Long>run(connection, new String[] {key}, Long.toString(expectedVersion), value);
        } catch (RedisException e) {
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "compare-and-set of '" + key + "' failed", e);
        }
    }

    @Override
    public Versioned update(String key, UnaryOperator<String> change) {
        Checks.notNull("change", change);
        long previousDelay = 0;
        for (int attempt = 1; ; attempt++) {
            Versioned current = read(key);
            String next = change.apply(current.value());
            long version = compareAndSet(key, current.version(), next);
            if (version > 0) {
                return new Versioned(next, version);
            }
            if (attempt >= maxAttempts) {
                throw new ResilienceException(ErrorCode.OPTIMISTIC_LOCK_CONFLICT, "'" + key + "' changed under each of "
                        + maxAttempts + " attempts to update it");
            }
            previousDelay = backoff.delayNanos(attempt, previousDelay);
            try {
                clock.sleep(previousDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while retrying '" + key + "'", e);
            }
        }
    }
}
