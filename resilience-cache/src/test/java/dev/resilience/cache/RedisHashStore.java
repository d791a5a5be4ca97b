package dev.resilience.cache;

import io.lettuce.core.api.sync.RedisCommands;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A system of record in a Redis hash, visible to every process of a test; optionally slow. */
final class RedisHashStore implements CacheStore<String, String> {
    private final RedisCommands<String, String> redis;
    private final String hash;
    private final long delayMillis;

    RedisHashStore(RedisCommands<String, String> redis, String hash, long delayMillis) {
        this.redis = redis;
        this.hash = hash;
        this.delayMillis = delayMillis;
    }

    @Override
    public String load(String key) {
        return redis.hget(hash, key);
    }

    @Override
    public void writeAll(Map<? extends String, ? extends String> entries) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delayMillis));   // a slow database
        redis.hset(hash, new HashMap<String, String>(entries));
    }

    @Override
    public void write(String key, String value) {
        redis.hset(hash, key, value);
    }

    @Override
    public void deleteAll(Collection<? extends String> keys) {
        redis.hdel(hash, keys.toArray(new String[0]));
    }

    @Override
    public void delete(String key) {
        redis.hdel(hash, key);
    }
}
