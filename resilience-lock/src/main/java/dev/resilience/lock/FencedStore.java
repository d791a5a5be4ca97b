package dev.resilience.lock;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.internal.Checks;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Optional;

/**
 * Storage that checks fencing tokens: a write carrying a token older than the last one it
 * accepted is rejected, so a holder whose lease ran out (a GC pause, a network partition) cannot
 * overwrite the work of the holder after it. This check in the storage, not the lock, is what
 * makes mutual exclusion safe against paused processes.
 *
 * <p>The Redis variant keeps a value and the last accepted token in one hash and compares them
 * in a Lua script. The same check in SQL is one conditional update:
 *
 * <pre>{@code
 * try (LockLease lease = locks.lock("order:42").acquire(Duration.ofSeconds(2))) {
 *     // SQL: the row remembers the largest token that wrote it
 *     int rows = jdbc.update("UPDATE orders SET status = ?, fence = ? WHERE id = ? AND fence <= ?",
 *             "PAID", lease.fencingToken(), 42, lease.fencingToken());
 *     if (rows == 0) throw new IllegalStateException("stale lock holder: a newer one wrote first");
 *
 *     // Redis:
 *     FencedStore store = FencedStore.redis(connection);
 *     if (!store.write("order:42:status", "PAID", lease.fencingToken())) { ... rejected ... }
 * }
 * }</pre>
 *
 * <p>Equal tokens are accepted, so one holder may write several times.
 */
public interface FencedStore {

    /**
     * Writes {@code value} under {@code key} unless a larger token has already written there.
     *
     * @return true if written; false if rejected as stale
     */
    boolean write(String key, String value, long fencingToken);

    /** The value last written under {@code key}. */
    Optional<String> read(String key);

    /** The largest token that wrote under {@code key}, or 0. */
    long lastToken(String key);

    /** The compare-fence-and-set check on a Redis connection the application owns. */
    static FencedStore redis(StatefulRedisConnection<String, String> connection) {
        return new RedisFencedStore(Checks.notNull("connection", connection));
    }
}

/** {@link FencedStore} on Redis: a hash {@code {v: value, f: token}} per key. */
final class RedisFencedStore implements FencedStore {

    /** KEYS: the hash. ARGV: value, token. */
    private static final RedisScript WRITE = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "local last = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')",
            "if tonumber(ARGV[2]) < last then return 0 end",
            "redis.call('HSET', KEYS[1], 'v', ARGV[1], 'f', ARGV[2])",
            "return 1"));

    private final StatefulRedisConnection<String, String> connection;

    RedisFencedStore(StatefulRedisConnection<String, String> connection) {
        this.connection = connection;
    }

    @Override
    public boolean write(String key, String value, long fencingToken) {
        Checks.notNull("key", key);
        Checks.notNull("value", value);
        Checks.positive("fencingToken", fencingToken);
        try {
            return WRITE.<Long>run(connection, new String[] {key}, value, Long.toString(fencingToken)) == 1L;
        } catch (RedisException e) {
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "fenced write of '" + key + "' failed", e);
        }
    }

    @Override
    public Optional<String> read(String key) {
        return Optional.ofNullable(connection.sync().hget(key, "v"));
    }

    @Override
    public long lastToken(String key) {
        String token = connection.sync().hget(key, "f");
        return token == null ? 0 : Long.parseLong(token);
    }
}
