package dev.resilience.testkit;

import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A Redis to talk to, found the way {@code mvn verify} must work on any machine: {@code REDIS_URL}
 * when set; otherwise a {@code redis-server} from the {@code PATH} started on a free port;
 * otherwise the binary shipped in the embedded-redis jar. Closing it stops the server if this JVM
 * started it, and leaves a {@code REDIS_URL} server alone.
 *
 * <pre>{@code
 * try (RedisEndpoint redis = RedisEndpoint.resolve()) {
 *     RedisClient client = RedisClient.create(redis.uri());
 *     ...
 * }
 * }</pre>
 */
public final class RedisEndpoint implements AutoCloseable {

    /** System property that overrides the {@code REDIS_URL} environment variable. */
    public static final String URL_PROPERTY = "resilience.redis.url";
    /** System property that forces a {@link RedisSource}: {@code url}, {@code path} or {@code embedded}. */
    public static final String SOURCE_PROPERTY = "resilience.redis.source";

    private final String uri;
    private final RedisSource source;
    private final RedisNode node;

    private RedisEndpoint(String uri, RedisSource source, RedisNode node) {
        this.uri = uri;
        this.source = source;
        this.node = node;
    }

    /** Resolves from this process's environment and system properties. */
    public static RedisEndpoint resolve() {
        return resolve(RedisEndpoint::environment);
    }

    /**
     * Resolves from the given variables ({@code REDIS_URL}, {@code PATH} and the two system
     * properties, looked up by name), so tests can force each path.
     */
    public static RedisEndpoint resolve(UnaryOperator<String> variables) {
        String url = Optional.ofNullable(variables.apply(URL_PROPERTY)).orElse(variables.apply("REDIS_URL"));
        String forced = variables.apply(SOURCE_PROPERTY);
        RedisSource source = forced != null && !forced.isBlank()
                ? RedisSource.valueOf(forced.trim().toUpperCase(Locale.ROOT))
                : url != null && !url.isBlank() ? RedisSource.URL
                : RedisBinary.onPath(variables.apply("PATH")).isPresent() ? RedisSource.PATH
                : RedisSource.EMBEDDED;
        switch (source) {
            case URL:
                if (url == null || url.isBlank()) {
                    throw new IllegalStateException(SOURCE_PROPERTY + "=url but neither REDIS_URL nor "
                            + URL_PROPERTY + " is set");
                }
                return new RedisEndpoint(url.trim(), RedisSource.URL, null);
            case PATH: {
                RedisNode node = RedisNode.start(RedisBinary.onPath(variables.apply("PATH")).orElseThrow(
                        () -> new IllegalStateException("no redis-server on the PATH")));
                return new RedisEndpoint(node.uri(), RedisSource.PATH, node);
            }
            default: {
                RedisNode node = RedisNode.start(RedisBinary.embedded());
                return new RedisEndpoint(node.uri(), RedisSource.EMBEDDED, node);
            }
        }
    }

    /** A {@code redis://host:port[/db]} URI, accepted by Lettuce's {@code RedisURI.create}. */
    public String uri() {
        return uri;
    }

    /** Where this Redis came from. */
    public RedisSource source() {
        return source;
    }

    /** The process this JVM started, if it started one. */
    public Optional<RedisNode> node() {
        return Optional.ofNullable(node);
    }

    /** Stops the server if this JVM started it. */
    @Override
    public void close() {
        if (node != null) {
            node.close();
        }
    }

    @Override
    public String toString() {
        return "Redis[" + uri + " from " + source + "]";
    }

    private static String environment(String name) {
        String property = System.getProperty(name);
        return property != null ? property : System.getenv(name);
    }
}
