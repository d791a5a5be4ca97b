package dev.resilience.benchmarks.ratelimit;

import dev.resilience.ratelimit.RateLimiter;
import dev.resilience.ratelimit.RedisRateLimiter;
import dev.resilience.testkit.TestRedis;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * A permit check on a limiter whose state lives in Redis (plentiful permits, one key): our token
 * bucket (one EVALSHA of the GCRA script) and sliding log, beside Bucket4j's Lettuce bucket
 * (compare-and-swap: a GET, then an EVAL), with the floor {@code floor_evalsha}: raw Lettuce
 * running a minimal GCRA script. At the end of each trial the commands the server executed per
 * decision ({@code INFO commandstats}) are printed, to show ours is one.
 *
 * <p>Goal: {@code ours_tokenBucket} within 1.05× {@code floor_evalsha} (about half Bucket4j's time).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RateLimitRedisBenchmark {

    /** A GCRA in its smallest form: the yardstick of one scripted decision. */
    private static final String FLOOR_GCRA = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local tat = math.max(tonumber(redis.call('GET', KEYS[1])) or now, now) + 1
            if tat - now > 1000000000 then return tat - now end
            redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', 60000)
            return 0
            """;

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private StatefulRedisConnection<String, byte[]> bytesConnection;
    private RedisCommands<String, String> redis;
    private String floorSha;
    private RedisRateLimiter oursBucket;
    private RedisRateLimiter oursLog;
    private BucketProxy bucket4j;
    private final LongAdder decisions = new LongAdder();
    private Map<String, Long> callsBefore;

    /** Connects and builds every limiter with a billion permits per second on one key. */
    @Setup(Level.Trial)
    public void setUp() {
        client = RedisClient.create(TestRedis.sharedEndpoint().uri());
        connection = client.connect();
        bytesConnection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        redis = connection.sync();
        floorSha = redis.scriptLoad(FLOOR_GCRA);
        oursBucket = RedisRateLimiter.builder(connection, RateLimiter.tokenBucket().capacity(1_000_000_000L)
                .refill(1_000_000L, Duration.ofSeconds(1)).config()).keyPrefix("bench:rl:").build();
        oursLog = RedisRateLimiter.builder(connection, RateLimiter.slidingLog().limit(1_000_000, Duration.ofSeconds(10))
                .config()).keyPrefix("bench:rl:log:").build();
        bucket4j = Bucket4jLettuce.casBasedBuilder(bytesConnection).build().builder().build("bench:b4j:{one}",
                () -> BucketConfiguration.builder().addLimit(limit -> limit.capacity(1_000_000_000L)
                        .refillGreedy(1_000_000L, Duration.ofSeconds(1))).build());
        oursBucket.tryAcquire("one"); // loads the script
        oursLog.tryAcquire("one");
        bucket4j.tryConsume(1);
        callsBefore = calls();
    }

    /**
     * Prints the commands the server executed per decision, by command. Redis counts the commands
     * a script runs as well as the script itself, so the round trips are the {@code evalsha} and
     * {@code eval} calls plus the commands sent directly (Bucket4j's {@code get} before its
     * {@code eval}); the rest ran inside scripts.
     */
    @TearDown(Level.Trial)
    public void tearDown() {
        Map<String, Long> after = calls();
        double n = Math.max(1, decisions.sum());
        StringBuilder line = new StringBuilder("[commands per decision over " + decisions.sum() + " decisions:");
        after.forEach((command, calls) -> {
            long delta = calls - callsBefore.getOrDefault(command, 0L);
            if (delta > 0 && !command.equals("info")) {
                line.append(String.format(" %s=%.3f", command, delta / n));
            }
        });
        System.out.println();
        System.out.println(line.append(']'));
        redis.del("bench:rl:{one}", "bench:rl:log:{one}", "bench:rl:log:{one}:seq", "bench:b4j:{one}",
                "bench:floor:{one}");
        connection.close();
        bytesConnection.close();
        client.shutdown();
    }

    private Map<String, Long> calls() {
        Matcher m = Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+)").matcher(redis.info("commandstats"));
        Map<String, Long> calls = new TreeMap<>();
        while (m.find()) {
            calls.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return calls;
    }

    @Benchmark
    public Long floor_evalsha() {
        decisions.increment();
        return redis.evalsha(floorSha, ScriptOutputType.INTEGER, "bench:floor:{one}");
    }

    @Benchmark
    public boolean ours_tokenBucket() {
        decisions.increment();
        return oursBucket.tryAcquire("one");
    }

    @Benchmark
    public boolean ours_slidingLog() {
        decisions.increment();
        return oursLog.tryAcquire("one");
    }

    @Benchmark
    public boolean peer_bucket4j_lettuce() {
        decisions.increment();
        return bucket4j.tryConsume(1);
    }
}
