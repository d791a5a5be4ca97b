package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.EventListener;
import dev.resilience.api.EventPublisher;
import dev.resilience.api.RateLimitedException;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.Subscription;
import dev.resilience.api.internal.Checks;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** The Lua scripts of {@link RedisRateLimiter} and the one round trip that runs them. */
final class RedisLimiter implements RedisRateLimiter {

    /** Formats a Lua number without losing digits (Lua's default keeps 14). */
    private static final String PRELUDE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local function int(x) return string.format('%.0f', x) end
            """;

    /**
     * GCRA in a hash {tat, cfg}, microseconds on the server's clock. ARGV: interval, capacity,
     * permits, cfg ("interval:capacity"). Returns 0 (taken) or the microseconds to wait.
     */
    static final String GCRA = PRELUDE + """
            local interval = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local permits = tonumber(ARGV[3])
            local tolerance = capacity * interval
            local saved = redis.call('HMGET', KEYS[1], 'tat', 'cfg')
            local tat = tonumber(saved[1]) or now
            local converted = false
            if saved[1] and saved[2] ~= ARGV[4] then
              local oldInterval, oldCapacity = string.match(saved[2] or '', '^(%d+):(%d+)$')
              if oldInterval then
                oldInterval = tonumber(oldInterval)
                local held = (tonumber(oldCapacity) * oldInterval - math.max(0, tat - now)) / oldInterval
                if held < 0 then
                  tat = now + tolerance + math.ceil(-held * interval)
                else
                  tat = now + tolerance - math.floor(math.min(held, capacity) * interval)
                end
                converted = true
              end
            end
            local newTat = math.max(tat, now) + permits * interval
            local wait = newTat - now - tolerance
            if wait > 0 then
              if converted then
                redis.call('HSET', KEYS[1], 'tat', int(tat), 'cfg', ARGV[4])
                redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(1, tat - now) / 1000) + 1)
              end
              return wait
            end
            redis.call('HSET', KEYS[1], 'tat', int(newTat), 'cfg', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], math.ceil((newTat - now) / 1000) + 1)
            return 0
            """;

    /**
     * An exact sliding log in a sorted set scored by microseconds, members numbered by a sequence
     * (KEYS[2]) so entries of one microsecond stay distinct. ARGV: window, limit, permits.
     */
    static final String LOG = PRELUDE + """
            local window = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            local permits = tonumber(ARGV[3])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', int(now - window))
            local count = redis.call('ZCARD', KEYS[1])
            if count + permits > limit then
              local nth = count + permits - limit - 1
              local entry = redis.call('ZRANGE', KEYS[1], nth, nth, 'WITHSCORES')
              return tonumber(entry[2]) + window - now
            end
            local seq = redis.call('INCRBY', KEYS[2], permits)
            for i = 1, permits do
              redis.call('ZADD', KEYS[1], int(now), int(seq - permits + i))
            end
            local ttl = math.ceil(window / 1000) + 1
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            return 0
            """;

    private static final RedisScript GCRA_SCRIPT = new RedisScript(ScriptOutputType.INTEGER, GCRA);
    private static final RedisScript LOG_SCRIPT = new RedisScript(ScriptOutputType.INTEGER, LOG);

    /** What a decision sends, from the current configuration; swapped whole on reconfiguration. */
    private static final class Plan {
        final RateLimiterConfig config;
        final boolean bucket;
        final String[] args;
        final long maxPermits;
        final KeyedRateLimiter<String> fallback;

        Plan(RateLimiterConfig config, Clock clock) {
            this.config = config;
            this.bucket = config instanceof RateLimiterConfig.TokenBucket;
            if (bucket) {
                Bandwidth limit = ((RateLimiterConfig.TokenBucket) config).limits().get(0);
                long micros = micros(limit.intervalNanos());
                this.args = new String[] {Long.toString(micros), Long.toString(limit.capacity()), null,
                        micros + ":" + limit.capacity()};
                this.maxPermits = limit.capacity();
                this.fallback = KeyedRateLimiter.<String>builder(config).clock(clock).build();
            } else {
                RateLimiterConfig.SlidingLog log = (RateLimiterConfig.SlidingLog) config;
                this.args = new String[] {Long.toString(micros(log.window().toNanos())), Long.toString(log.limit()), null};
                this.maxPermits = log.limit();
                // In-JVM stand-in while Redis is away: a fixed window of the same limit per key.
                this.fallback = KeyedRateLimiter.<String>builder(new RateLimiterConfig.FixedWindow(log.limit(), log.window()))
                        .clock(clock).build();
            }
        }

        String[] args(int permits) {
            String[] filled = args.clone();
            filled[2] = Integer.toString(permits);
            return filled;
        }
    }

    private final String name;
    private final StatefulRedisConnection<String, String> connection;
    private final String keyPrefix;
    private final long timeoutNanos;
    private final RedisFailurePolicy policy;
    private final Clock clock;
    private final EventPublisher<RateLimiterEvent> events;
    private volatile Plan plan;

    RedisLimiter(String name, StatefulRedisConnection<String, String> connection, RateLimiterConfig config,
            String keyPrefix, long timeoutNanos, RedisFailurePolicy policy, Clock clock) {
        this.name = name;
        this.connection = connection;
        this.keyPrefix = keyPrefix;
        this.timeoutNanos = timeoutNanos;
        this.policy = policy;
        this.clock = clock;
        this.events = new EventPublisher<>(name);
        this.plan = new Plan(config, clock);
    }

    /** Accepts the configurations Redis limiters support. */
    static RateLimiterConfig check(RateLimiterConfig config) {
        Checks.notNull("config", config);
        if (config instanceof RateLimiterConfig.TokenBucket) {
            RateLimiterConfig.TokenBucket bucket = (RateLimiterConfig.TokenBucket) config;
            if (bucket.limits().size() != 1 || bucket.stripes() != 1) {
                throw new IllegalArgumentException("config must have one limit and no stripes on Redis but was " + bucket);
            }
            return config;
        }
        if (config instanceof RateLimiterConfig.SlidingLog) {
            return config;
        }
        throw new IllegalArgumentException("config must be a token bucket or a sliding log on Redis but was " + config);
    }

    private static long micros(long nanos) {
        return Math.max(1, (nanos + 999) / 1000);
    }

    @Override
    public CompletionStage<Long> tryAcquireAsync(String key, int permits) {
        Plan current = plan;
        CompletableFuture<Long> sent = send(current, key, permits);
        return sent.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((micros, error) -> error == null
                ? CompletableFuture.completedFuture(answered(permits, micros))
                : failed(current, sent, key, permits, error)).thenCompose(Function.identity());
    }

    /**
     * The decision in this thread: waits on the reply itself (no timer task per call), at most
     * the timeout. Throws the fail-closed {@link ResilienceException}.
     */
    private long await(String key, int permits) {
        Plan current = plan;
        CompletableFuture<Long> sent = send(current, key, permits);
        Throwable error;
        try {
            return answered(permits, sent.get(timeoutNanos, TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sent.cancel(false);
            throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while asking Redis for '" + name + "'", e);
        } catch (ExecutionException | TimeoutException e) {
            error = e;
        }
        try {
            return failed(current, sent, key, permits, error).join();
        } catch (CompletionException e) {
            throw (ResilienceException) RedisScript.unwrap(e);
        }
    }

    /** One EVALSHA of the plan's script, and EVAL once if the server has not loaded it. */
    private CompletableFuture<Long> send(Plan current, String key, int permits) {
        Checks.notNull("key", key);
        Limiters.checkPermits(permits, current.maxPermits, "the capacity");
        String tagged = keyPrefix + "{" + key + "}";
        String[] keys = current.bucket ? new String[] {tagged} : new String[] {tagged, tagged + ":seq"};
        return (current.bucket ? GCRA_SCRIPT : LOG_SCRIPT).runAsync(connection, keys, current.args(permits));
    }

    /** The script's answer in nanoseconds (0: taken), with the rejection event. */
    private long answered(int permits, long micros) {
        long retryAfter = TimeUnit.MICROSECONDS.toNanos(micros);
        if (retryAfter != 0 && events.hasListeners()) {
            events.publish(new RateLimiterEvent.Rejected(name, permits, retryAfter));
        }
        return retryAfter;
    }

    private CompletableFuture<Long> failed(Plan current, CompletableFuture<Long> sent, String key, int permits,
            Throwable error) {
        sent.cancel(false); // a command still queued must not take permits later
        return unavailable(current, key, permits, RedisScript.unwrap(error));
    }

    private CompletableFuture<Long> unavailable(Plan current, String key, int permits, Throwable error) {
        if (events.hasListeners()) {
            events.publish(new RateLimiterEvent.RedisUnavailable(name, key, policy, error));
        }
        switch (policy) {
            case FAIL_OPEN:
                return CompletableFuture.completedFuture(0L);
            case FALLBACK_LOCAL:
                return CompletableFuture.completedFuture(current.fallback.tryAcquireOrRetryAfter(key, permits));
            default:
                return CompletableFuture.failedFuture(new ResilienceException(ErrorCode.REDIS_UNAVAILABLE,
                        "rate limiter '" + name + "' could not reach Redis within " + Duration.ofNanos(timeoutNanos)
                                + " and fails closed", error));
        }
    }

    @Override
    public boolean tryAcquire(String key, int permits) {
        return tryAcquireOrRetryAfter(key, permits) == 0;
    }

    @Override
    public long tryAcquireOrRetryAfter(String key, int permits) {
        try {
            return await(key, permits);
        } catch (ResilienceException e) {
            return timeoutNanos;
        }
    }

    @Override
    public void acquireOrThrow(String key, int permits) {
        long retryAfter = await(key, permits);
        if (retryAfter != 0) {
            throw new RateLimitedException(name, retryAfter);
        }
    }

    @Override
    public RateLimiter forKey(String key) {
        Checks.notBlank("key", key);
        return new KeyView(this, key);
    }

    /** One key of this limiter behind the {@link RateLimiter} interface. */
    private static final class KeyView extends AbstractLimiter {
        private final RedisLimiter owner;
        private final String key;

        KeyView(RedisLimiter owner, String key) {
            super(owner.name + ":" + key, owner.plan.config, owner.clock, true, 0);
            this.owner = owner;
            this.key = key;
        }

        @Override
        long reserve(int permits, long now, long maxWait) {
            long retryAfter = owner.tryAcquireOrRetryAfter(key, permits);
            return retryAfter == 0 ? 0 : ~retryAfter;
        }

        @Override
        long available(long now) {
            return -1;
        }

        @Override
        void drain(long now) {
            throw new UnsupportedOperationException("drain is not supported on Redis; pause the limiter instead");
        }

        @Override
        void apply(RateLimiterConfig next, long now) {
            owner.reconfigure(next);
        }
    }

    @Override
    public RateLimiterConfig config() {
        return plan.config;
    }

    @Override
    public void reconfigure(RateLimiterConfig config) {
        RateLimiterConfig previous = plan.config;
        if (check(config).getClass() != previous.getClass()) {
            throw new IllegalArgumentException("config must be a " + previous.getClass().getSimpleName()
                    + " like the limiter's but was " + config);
        }
        plan = new Plan(config, clock);
        if (events.hasListeners()) {
            events.publish(new RateLimiterEvent.Reconfigured(name, previous, config));
        }
    }

    @Override
    public Subscription subscribe(EventListener<? super RateLimiterEvent> listener) {
        return events.subscribe(listener);
    }

    @Override
    public String toString() {
        return "RedisRateLimiter[" + name + ", " + plan.config + "]";
    }
}
