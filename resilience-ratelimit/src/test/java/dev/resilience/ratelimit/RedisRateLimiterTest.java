package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.api.RateLimitedException;
import dev.resilience.api.ResilienceException;
import dev.resilience.testkit.Concurrently;
import dev.resilience.testkit.RedisNode;
import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@WithRedis
class RedisRateLimiterTest {

    private final List<RedisClient> clients = new ArrayList<>();

    private StatefulRedisConnection<String, String> connect(String uri) {
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        clients.add(client);
        return client.connect();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RedisClient::shutdown);
        clients.clear();
    }

    private static RateLimiterConfig bucket(long capacity, long permits, Duration period) {
        return RateLimiter.tokenBucket().capacity(capacity).refill(permits, period).config();
    }

    @Test
    void tokenBucketOnTheServersClock(TestRedis redis) {
        RedisRateLimiter limiter = RedisRateLimiter.builder(connect(redis.uri()), bucket(5, 1, Duration.ofHours(1)))
                .keyPrefix("t1:").build();
        assertThat(limiter.tryAcquire("k", 5)).isTrue();
        long retryAfter = limiter.tryAcquireOrRetryAfter("k", 1);
        assertThat(retryAfter).isBetween(Duration.ofMinutes(59).toNanos(), Duration.ofHours(1).toNanos());
        assertThat(limiter.tryAcquire("other")).isTrue();
        assertThat(redis.command("HGET", "t1:{k}", "cfg")).isEqualTo("3600000000:5");
        long ttl = (Long) redis.command("PTTL", "t1:{k}");
        assertThat(ttl).as("expires when the bucket is full again").isBetween(Duration.ofMinutes(299).toMillis(),
                Duration.ofHours(5).toMillis() + 2);
        assertThatThrownBy(() -> limiter.acquireOrThrow("k", 1)).isInstanceOf(RateLimitedException.class);
        assertThatThrownBy(() -> limiter.tryAcquire("k", 6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyIsARateLimiterWithEveryOperation(TestRedis redis) throws Exception {
        RedisRateLimiter limiter = RedisRateLimiter.builder(connect(redis.uri()), bucket(2, 1, Duration.ofHours(1)))
                .name("shared").keyPrefix("view:").build();
        RateLimiter tenant = limiter.forKey("tenant-42");
        List<RateLimiterEvent> events = new CopyOnWriteArrayList<>();
        tenant.subscribe(events::add);
        java.util.function.Supplier<String> decorated =
                dev.resilience.api.Decorators.ofSupplier(() -> "quote").with(tenant).decorate();
        assertThat(decorated.get()).isEqualTo("quote");
        assertThat(tenant.tryAcquire()).isTrue();
        assertThatThrownBy(decorated::get).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.source()).isEqualTo("shared:tenant-42");
            assertThat(e.retryAfterNanos()).isGreaterThan(Duration.ofMinutes(59).toNanos());
        });
        assertThat(tenant.tryAcquire(1, Duration.ofMillis(10))).as("the wait is longer than the timeout").isFalse();
        tenant.mode(RateLimiter.Mode.BYPASS);
        assertThat(tenant.tryAcquire()).isTrue();
        tenant.mode(RateLimiter.Mode.ENFORCE);
        assertThat(limiter.forKey("other").tryAcquire(2)).isTrue();
        assertThat(tenant.metrics()).isEqualTo(new RateLimiterMetrics(3, 2, 0, -1));
        assertThat(events).hasAtLeastOneElementOfType(RateLimiterEvent.Rejected.class)
                .hasAtLeastOneElementOfType(RateLimiterEvent.ModeChanged.class);
        assertThatThrownBy(tenant::drain).isInstanceOf(UnsupportedOperationException.class);
        tenant.reconfigure(bucket(5, 1, Duration.ofHours(1)));
        assertThat(limiter.config()).isEqualTo(bucket(5, 1, Duration.ofHours(1)));
        assertThat(tenant.tryAcquire()).as("the tokens held (none) carry over").isFalse();
    }

    @Test
    void severalClientsShareOneLimitExactly(TestRedis redis) {
        List<RedisRateLimiter> fleet = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fleet.add(RedisRateLimiter.builder(connect(redis.uri()), bucket(60, 1, Duration.ofHours(1)))
                    .keyPrefix("fleet:").build());
        }
        int granted = Concurrently.run(8, thread -> {
            RedisRateLimiter mine = fleet.get(thread % fleet.size());
            int count = 0;
            for (int i = 0; i < 40; i++) {
                count += mine.tryAcquire("shared") ? 1 : 0;
            }
            return count;
        }).valuesOrThrow().stream().mapToInt(Integer::intValue).sum();
        assertThat(granted).isEqualTo(60);
    }

    @Test
    void slidingLogSharedByAFleetIsExact(TestRedis redis) {
        RateLimiterConfig log = RateLimiter.slidingLog().limit(25, Duration.ofHours(1)).config();
        List<RedisRateLimiter> fleet = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fleet.add(RedisRateLimiter.builder(connect(redis.uri()), log).keyPrefix("log:").build());
        }
        int granted = Concurrently.run(6, thread -> {
            int count = 0;
            for (int i = 0; i < 20; i++) {
                count += fleet.get(thread % 3).tryAcquire("shared", 1 + i % 2) ? 1 + i % 2 : 0;
            }
            return count;
        }).valuesOrThrow().stream().mapToInt(Integer::intValue).sum();
        assertThat(granted).isBetween(24, 25); // a 2-permit request may be refused with 1 left
        assertThat((Long) redis.command("ZCARD", "log:{shared}")).isEqualTo(granted);
        long retryAfter = fleet.get(0).tryAcquireOrRetryAfter("shared", 1);
        assertThat(retryAfter).isGreaterThan(Duration.ofMinutes(59).toNanos());
    }

    @Test
    void oneEvalshaPerDecisionAndNoscriptFallsBackToEval(TestRedis redis) {
        RedisRateLimiter limiter = RedisRateLimiter.builder(connect(redis.uri()), bucket(1000, 1000, Duration.ofSeconds(1)))
                .keyPrefix("cmd:").build();
        limiter.tryAcquire("warm"); // loads the script (EVALSHA → NOSCRIPT → EVAL) unless already cached
        redis.command("CONFIG", "RESETSTAT");
        for (int i = 0; i < 50; i++) {
            limiter.tryAcquire("k" + i);
        }
        String stats = (String) redis.command("INFO", "commandstats");
        assertThat(calls(stats, "evalsha")).isEqualTo(50);
        assertThat(calls(stats, "eval")).isZero();
        redis.command("SCRIPT", "FLUSH");
        redis.command("CONFIG", "RESETSTAT");
        assertThat(limiter.tryAcquire("after-flush")).isTrue();
        stats = (String) redis.command("INFO", "commandstats");
        assertThat(calls(stats, "evalsha")).isEqualTo(1);
        assertThat(calls(stats, "eval")).isEqualTo(1);
    }

    private static long calls(String commandStats, String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(commandStats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void reconfigureCarriesTokensOverInsideTheScript(TestRedis redis) throws Exception {
        RedisRateLimiter limiter = RedisRateLimiter.builder(connect(redis.uri()), bucket(10, 1, Duration.ofHours(1)))
                .keyPrefix("re:").build();
        List<RateLimiterEvent> events = new CopyOnWriteArrayList<>();
        limiter.subscribe(events::add);
        assertThat(limiter.tryAcquire("k", 6)).isTrue();
        limiter.reconfigure(bucket(100, 1, Duration.ofHours(2)));
        assertThat(limiter.tryAcquire("k", 4)).isTrue();
        assertThat(limiter.tryAcquire("k")).isFalse();
        assertThat(redis.command("HGET", "re:{k}", "cfg")).isEqualTo("7200000000:100");
        assertThat(limiter.tryAcquireAsync("k", 1).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isGreaterThan(Duration.ofMinutes(119).toNanos());
        assertThat(events).hasAtLeastOneElementOfType(RateLimiterEvent.Reconfigured.class)
                .hasAtLeastOneElementOfType(RateLimiterEvent.Rejected.class);
        assertThatThrownBy(() -> limiter.reconfigure(RateLimiter.slidingLog().limit(1, Duration.ofSeconds(1)).config()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisRateLimiter.builder(connect(redis.uri()),
                RateLimiter.fixedWindow().limit(1, Duration.ofSeconds(1)).config()))
                .hasMessageContaining("token bucket or a sliding log");
    }

    @Test
    void unreachableRedisFollowsThePolicyAndPublishesAnEvent(TestRedis redis) throws Exception {
        RedisNode node = redis.startNode();
        StatefulRedisConnection<String, String> connection = connect(node.uri());
        RateLimiterConfig config = bucket(2, 1, Duration.ofHours(1));
        ManualClock clock = new ManualClock();
        RedisRateLimiter closed = RedisRateLimiter.builder(connection, config).timeout(Duration.ofMillis(300)).build();
        RedisRateLimiter open = RedisRateLimiter.builder(connection, config).timeout(Duration.ofMillis(300))
                .onRedisFailure(RedisFailurePolicy.FAIL_OPEN).build();
        RedisRateLimiter local = RedisRateLimiter.builder(connection, config).timeout(Duration.ofMillis(300))
                .onRedisFailure(RedisFailurePolicy.FALLBACK_LOCAL).clock(clock).build();
        List<RateLimiterEvent> events = new CopyOnWriteArrayList<>();
        closed.subscribe(events::add);
        assertThat(closed.tryAcquire("k")).isTrue();

        node.stop(); // mid-test
        assertThat(closed.tryAcquire("k")).isFalse();
        assertThatThrownBy(() -> closed.acquireOrThrow("k", 1)).isInstanceOfSatisfying(ResilienceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE));
        assertThat(events).hasAtLeastOneElementOfType(RateLimiterEvent.RedisUnavailable.class);
        for (int i = 0; i < 10; i++) {
            assertThat(open.tryAcquire("k")).isTrue();
        }
        assertThat(local.tryAcquire("k", 2)).isTrue();
        assertThat(local.tryAcquireOrRetryAfter("k", 1)).as("the local bucket, on the local clock")
                .isEqualTo(Duration.ofHours(1).toNanos());
    }

    @Test
    void aHungRedisNeverHoldsACallPastTheTimeout(TestRedis redis) throws Exception {
        RedisNode node = redis.startNode();
        RedisRateLimiter limiter = RedisRateLimiter.builder(connect(node.uri()), bucket(2, 1, Duration.ofHours(1)))
                .timeout(Duration.ofMillis(200)).onRedisFailure(RedisFailurePolicy.FAIL_OPEN).build();
        RedisRateLimiter closed = RedisRateLimiter.builder(connect(node.uri()), bucket(2, 1, Duration.ofHours(1)))
                .timeout(Duration.ofMillis(200)).build();
        assertThat(limiter.tryAcquire("k")).isTrue();
        node.pause();
        try {
            // the stage completes (by the policy) long before the 10 s this test would wait
            assertThat(limiter.tryAcquireAsync("k", 1).toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
            assertThat(closed.tryAcquireOrRetryAfter("k", 1)).isEqualTo(Duration.ofMillis(200).toNanos());
        } finally {
            node.resume();
        }
        // Back to Redis. The timed-out scripts were already on the wire and ran on resume, so
        // their permits are spent: a timeout errs on the strict side, never past the limit.
        assertThat(limiter.tryAcquire("fresh")).isTrue();
        assertThat(limiter.tryAcquire("k", 2)).isFalse();
    }
}
