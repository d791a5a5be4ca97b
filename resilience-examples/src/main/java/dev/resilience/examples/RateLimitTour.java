package dev.resilience.examples;

import dev.resilience.api.ManualClock;
import dev.resilience.api.RateLimitedException;
import dev.resilience.ratelimit.FairShare;
import dev.resilience.ratelimit.KeyedRateLimiter;
import dev.resilience.ratelimit.RateLimiter;
import dev.resilience.ratelimit.RedisFailurePolicy;
import dev.resilience.ratelimit.RedisRateLimiter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;

/**
 * The tour's stop for resilience-ratelimit: a token bucket refusing with an exact Retry-After, a
 * downstream 429 pausing a limiter, a keyed limiter, fair sharing, and a limiter on Redis shared
 * by two clients.
 */
final class RateLimitTour implements TourStop {

    @Override
    public String title() {
        return "Rate limiting (resilience-ratelimit)";
    }

    @Override
    public void run(Context context) {
        ManualClock clock = new ManualClock(); // the tour moves time itself: no sleeping
        RateLimiter api = RateLimiter.tokenBucket().name("api")
                .capacity(3).refill(2, Duration.ofSeconds(1)) // bursts of 3, 2 per second after
                .clock(clock).build();
        int admitted = 0;
        while (api.tryAcquire()) {
            admitted++;
        }
        check(admitted == 3, "a full bucket of 3 admits 3");
        try {
            api.call(() -> "quote");
            throw new AssertionError("an empty bucket admitted a call");
        } catch (RateLimitedException e) {
            context.say("token bucket: %d admitted, then %s [%s] -> HTTP 429, Retry-After: %d s", admitted,
                    e.getMessage(), e.code(), e.retryAfter().orElseThrow().toSeconds() + 1);
            check(e.retryAfterNanos() == Duration.ofMillis(500).toNanos(), "the next permit is exactly 500 ms away");
        }
        clock.advance(Duration.ofMillis(500));
        check(api.tryAcquire(), "one permit refilled after 500 ms");

        api.pause(Duration.ofSeconds(30)); // the downstream answered 429 with Retry-After: 30
        clock.advance(Duration.ofSeconds(10));
        context.say("downstream said 429: paused, %d s left", Duration.ofNanos(api.tryAcquireOrRetryAfter(1)).toSeconds());

        KeyedRateLimiter<String> perUser = KeyedRateLimiter.<String>builder(
                        RateLimiter.tokenBucket().capacity(2).refill(1, Duration.ofSeconds(1)).config())
                .maxKeys(1_000_000).clock(clock).build();
        boolean alice = perUser.tryAcquire("alice", 2);
        boolean aliceAgain = perUser.tryAcquire("alice");
        boolean bob = perUser.tryAcquire("bob");
        check(alice && !aliceAgain && bob, "each key has its own bucket");
        context.say("keyed: alice %s then %s, bob %s (%d keys tracked)", alice, aliceAgain, bob, perUser.size());

        FairShare share = FairShare.builder().rate(100, Duration.ofSeconds(1)).capacity(10)
                .tenant("gold", 3).tenant("free", 1).clock(clock).build();
        int gold = 0;
        int free = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            while (share.tenant("gold").tryAcquire()) {
                gold++;
            }
            while (share.tenant("free").tryAcquire()) {
                free++;
            }
            clock.advanceMillis(1);
        }
        context.say("fair share 3:1, both flooding for 10 s: gold %d, free %d", gold, free);

        RedisClient client = RedisClient.create(context.redisUri());
        try (StatefulRedisConnection<String, String> first = client.connect();
                StatefulRedisConnection<String, String> second = client.connect()) {
            var config = RateLimiter.tokenBucket().capacity(5).refill(1, Duration.ofMinutes(1)).config();
            String prefix = "tour:" + UUID.randomUUID() + ":";
            RedisRateLimiter jvm1 = RedisRateLimiter.builder(first, config).keyPrefix(prefix)
                    .onRedisFailure(RedisFailurePolicy.FALLBACK_LOCAL).build();
            RedisRateLimiter jvm2 = RedisRateLimiter.builder(second, config).keyPrefix(prefix)
                    .onRedisFailure(RedisFailurePolicy.FALLBACK_LOCAL).build();
            int shared = 0;
            for (int i = 0; i < 10; i++) {
                shared += (i % 2 == 0 ? jvm1 : jvm2).tryAcquire("tenant-42") ? 1 : 0;
            }
            check(shared == 5, "two clients share one bucket of 5");
            context.say("Redis: two clients asked 10 times for one key, %d admitted; next in %d s (server clock)",
                    shared, Duration.ofNanos(jvm1.tryAcquireOrRetryAfter("tenant-42", 1)).toSeconds());
        } finally {
            client.shutdown();
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
