package dev.resilience.testkit;

/**
 * Where a test's Redis comes from, tried in this order.
 *
 * <p>Force one with the system property {@code resilience.redis.source} ({@code url},
 * {@code path} or {@code embedded}); {@code resilience.redis.url} overrides the {@code REDIS_URL}
 * environment variable.
 */
public enum RedisSource {
    /** The server named by {@code REDIS_URL}: shared, already running, not ours to stop. */
    URL,
    /** A {@code redis-server} from the {@code PATH}, started on a free port and stopped at exit. */
    PATH,
    /** The binary shipped in the embedded-redis jar, started on a free port and stopped at exit. */
    EMBEDDED
}
