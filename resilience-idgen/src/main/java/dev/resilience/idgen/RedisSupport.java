package dev.resilience.idgen;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;

/** Key naming and connecting, shared by the Redis-backed parts. */
final class RedisSupport {

    private RedisSupport() {
    }

    /**
     * A connection of {@code client}, or {@code REDIS_UNAVAILABLE} if none can be made within
     * the client's own timeouts (set them on its {@code RedisURI} and {@code SocketOptions}).
     */
    static StatefulRedisConnection<String, String> connect(RedisClient client, String purpose) {
        try {
            return client.connect();
        } catch (RedisException e) {
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "could not connect to Redis to " + purpose
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code value} can sit inside a Redis Cluster hash tag: the braces around it
     * would otherwise end early and split one namespace over several cluster slots.
     */
    static String hashTagSafe(String name, String value) {
        if (value.indexOf('{') >= 0 || value.indexOf('}') >= 0) {
            throw new IllegalArgumentException(name + " must not contain braces but was \"" + value + "\"");
        }
        return value;
    }

    /** {@code <prefix>:{<tag>}:}, the base of every key of one namespace. */
    static String base(String prefix, String tag) {
        return prefix + ":{" + tag + "}:";
    }
}
