package dev.resilience.benchmarks.floors;

import java.util.concurrent.TimeUnit;

import dev.resilience.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floors of every Redis-backed path, through raw Lettuce on one connection: a round trip
 * ({@code PING}) and a round trip that runs a script ({@code EVALSHA} of {@code return 1} on a
 * hash-tagged key). A Redis limiter, lock or id segment is one or more of these; the module
 * benchmarks quote their ratio to them, since the µs of a loopback round trip vary from machine to
 * machine (and with the machine's load) far more than the ratios.
 *
 * <p>Goal: none; these are the yardsticks. The server is the testkit's ({@code REDIS_URL}, else
 * {@code redis-server} from the PATH, else the embedded binary).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FloorsRedisBenchmark {

    private static final String KEY = "bench:floor:{evalsha}";

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private String sha;

    /** Connects and loads the script once, so the measured calls are pure round trips. */
    @Setup(Level.Trial)
    public void connect() {
        client = RedisClient.create(TestRedis.sharedEndpoint().uri());
        connection = client.connect();
        redis = connection.sync();
        sha = redis.scriptLoad("return 1");
    }

    /** Closes the connection and the client's threads. */
    @TearDown(Level.Trial)
    public void close() {
        connection.close();
        client.shutdown();
    }

    /** One round trip. */
    @Benchmark
    public String floor_ping() {
        return redis.ping();
    }

    /** One round trip running a trivial Lua script on one key, as every Redis policy here does. */
    @Benchmark
    public Long floor_evalsha() {
        return redis.evalsha(sha, ScriptOutputType.INTEGER, KEY);
    }
}
