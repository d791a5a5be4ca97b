package dev.resilience.testkit;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A test class's view of a real Redis, injected by {@link RedisExtension} (use {@link WithRedis}).
 *
 * <p>One server serves the whole test JVM ({@link RedisEndpoint#resolve()}: {@code REDIS_URL},
 * else {@code redis-server} from the PATH, else the embedded binary); its database is flushed
 * before each test class. Extra nodes for fault tests come from {@link #startNode(String...)} and
 * are killed when the class ends.
 *
 * <pre>{@code
 * @WithRedis
 * class LockTest {
 *     @Test
 *     void expiryFreesTheLock(TestRedis redis) {
 *         RedisClient client = RedisClient.create(redis.uri());
 *         ...
 *         assertThat(redis.command("EXISTS", "lock:{order:1}")).isEqualTo(0L);
 *     }
 *
 *     @Test
 *     void survivesARestart(TestRedis redis) {
 *         RedisNode node = redis.startNode();
 *         ...
 *         node.restart();
 *     }
 * }
 * }</pre>
 *
 * <p>Point {@code REDIS_URL} only at a server dedicated to tests: its database is flushed.
 */
public final class TestRedis implements AutoCloseable {

    private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
    private static RedisEndpoint shared;

    private final RedisEndpoint endpoint;
    private final List<RedisNode> nodes = new ArrayList<>();
    private final ReentrantLock nodesLock = new ReentrantLock();

    private TestRedis(RedisEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** A view of this JVM's shared test Redis, with its database flushed. */
    public static TestRedis forTestClass() {
        TestRedis redis = new TestRedis(sharedEndpoint());
        redis.flush();
        return redis;
    }

    /** This JVM's shared test Redis, resolved on first use; a server it started stops at exit. */
    public static RedisEndpoint sharedEndpoint() {
        SHARED_LOCK.lock();
        try {
            if (shared == null) {
                shared = RedisEndpoint.resolve();
            }
            return shared;
        } finally {
            SHARED_LOCK.unlock();
        }
    }

    /** The URI of the shared server, for Lettuce's {@code RedisURI.create}. */
    public String uri() {
        return endpoint.uri();
    }

    /** The shared server's host. */
    public String host() {
        return URI.create(endpoint.uri()).getHost();
    }

    /** The shared server's port. */
    public int port() {
        int port = URI.create(endpoint.uri()).getPort();
        return port < 0 ? 6379 : port;
    }

    /** Where the shared server came from. */
    public RedisSource source() {
        return endpoint.source();
    }

    /** Sends one command to the shared server through a fresh connection and returns the reply. */
    public Object command(String... args) {
        try (RespClient client = RespClient.connect(endpoint.uri())) {
            return client.command(args);
        }
    }

    /** Empties the shared server's database. */
    public void flush() {
        command("FLUSHDB");
    }

    /**
     * Starts a node of this test class's own (PATH binary, else embedded) on a free port, to stop,
     * kill, pause or restart. It is killed when the class ends.
     */
    public RedisNode startNode(String... extraArgs) {
        RedisNode node = RedisNode.start(extraArgs);
        nodesLock.lock();
        try {
            nodes.add(node);
        } finally {
            nodesLock.unlock();
        }
        return node;
    }

    /** Kills the nodes this class started; the shared server stays up for the next class. */
    @Override
    public void close() {
        nodesLock.lock();
        try {
            nodes.forEach(RedisNode::close);
            nodes.clear();
        } finally {
            nodesLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "TestRedis[" + endpoint + "]";
    }
}
