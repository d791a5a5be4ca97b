package dev.resilience.lock;

import dev.resilience.api.Backoff;
import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.internal.Checks;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an operation at most once per idempotency key (a client's request id): the first caller
 * runs it and its result is stored for {@code resultTtl}; concurrent duplicates wait for that
 * result (up to {@code waitForInProgress}, then {@code IDEMPOTENCY_IN_PROGRESS}); later duplicates
 * get the stored result. If the operation throws, the key is freed, so a retry runs it again.
 *
 * <pre>{@code
 * Idempotency once = Idempotency.redis(connection)
 *         .resultTtl(Duration.ofHours(24))
 *         .waitForInProgress(Duration.ofSeconds(5))
 *         .build();
 * String receipt = once.execute(request.header("Idempotency-Key"), () -> payments.charge(order));
 * }</pre>
 *
 * <p>A running operation holds its key for {@code inProgressTtl}: if its process dies, the key
 * frees itself then. An operation that outlives it may run twice; size it above the slowest run.
 */
public interface Idempotency {

    /**
     * Runs {@code operation} unless it already ran (or is running) under {@code key}.
     *
     * @return the operation's result, this call's or the stored one of the first caller (may be null)
     * @throws ResilienceException {@code IDEMPOTENCY_IN_PROGRESS} if another caller is still
     *         running it after {@code waitForInProgress}
     */
    String execute(String key, Supplier<String> operation);

    /** A builder over a Redis connection the application owns. */
    static Builder redis(StatefulRedisConnection<String, String> connection) {
        return new Builder(Checks.notNull("connection", connection));
    }

    /** Builds an {@link Idempotency}. */
    final class Builder {
        private final StatefulRedisConnection<String, String> connection;
        private String keyPrefix = "idempotency:";
        private Duration resultTtl = Duration.ofHours(24);
        private Duration inProgressTtl = Duration.ofMinutes(5);
        private Duration waitForInProgress = Duration.ZERO;
        private Backoff pollBackoff = Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(200))
                .withJitter(Backoff.Jitter.EQUAL);
        private Clock clock = Clock.system();

        private Builder(StatefulRedisConnection<String, String> connection) {
            this.connection = connection;
        }

        /** Prefix of the keys; default {@code "idempotency:"}. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Checks.notNull("keyPrefix", keyPrefix);
            return this;
        }

        /** How long a result is kept for duplicates; default 24 h. */
        public Builder resultTtl(Duration resultTtl) {
            this.resultTtl = Checks.positive("resultTtl", resultTtl);
            return this;
        }

        /** How long a running operation holds its key; default 5 min. */
        public Builder inProgressTtl(Duration inProgressTtl) {
            this.inProgressTtl = Checks.positive("inProgressTtl", inProgressTtl);
            return this;
        }

        /** How long a duplicate waits for the running first call; default zero (fail at once). */
        public Builder waitForInProgress(Duration waitForInProgress) {
            this.waitForInProgress = Checks.nonNegative("waitForInProgress", waitForInProgress);
            return this;
        }

        /** The poll while waiting for a running first call. */
        public Builder pollBackoff(Backoff pollBackoff) {
            this.pollBackoff = Checks.notNull("pollBackoff", pollBackoff);
            return this;
        }

        /** The clock of the waits. */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** The idempotency guard. */
        public Idempotency build() {
            return new RedisIdempotency(connection, keyPrefix, resultTtl, inProgressTtl, waitForInProgress,
                    pollBackoff, clock);
        }
    }
}

/** {@link Idempotency} on Redis: one key per idempotency key, {@code P<token>} while running, {@code D<result>} after. */
final class RedisIdempotency implements Idempotency {

    private static final Logger LOG = LoggerFactory.getLogger(RedisIdempotency.class);

    /** KEYS: key. ARGV: token, in-progress ttl ms. Returns "" if claimed, else the current state. */
    private static final RedisScript CLAIM = new RedisScript(ScriptOutputType.VALUE, String.join("\n",
            "local state = redis.call('GET', KEYS[1])",
            "if state then return state end",
            "redis.call('SET', KEYS[1], 'P' .. ARGV[1], 'PX', ARGV[2])",
            "return ''"));

    /** KEYS: key. ARGV: token, stored result, result ttl ms. */
    private static final RedisScript COMPLETE = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "if redis.call('GET', KEYS[1]) ~= 'P' .. ARGV[1] then return 0 end",
            "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])",
            "return 1"));

    /** KEYS: key. ARGV: token. Frees the key after a failure, if it is still ours. */
    private static final RedisScript ABANDON = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "if redis.call('GET', KEYS[1]) ~= 'P' .. ARGV[1] then return 0 end",
            "return redis.call('DEL', KEYS[1])"));

    private final StatefulRedisConnection<String, String> connection;
    private final String keyPrefix;
    private final String resultTtlMillis;
    private final String inProgressTtlMillis;
    private final long waitNanos;
    private final Backoff pollBackoff;
    private final Clock clock;
    private final String clientId = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();

    RedisIdempotency(StatefulRedisConnection<String, String> connection, String keyPrefix, Duration resultTtl,
            Duration inProgressTtl, Duration waitForInProgress, Backoff pollBackoff, Clock clock) {
        this.connection = connection;
        this.keyPrefix = keyPrefix;
        this.resultTtlMillis = Long.toString(Math.max(1, resultTtl.toMillis()));
        this.inProgressTtlMillis = Long.toString(Math.max(1, inProgressTtl.toMillis()));
        this.waitNanos = waitForInProgress.toNanos();
        this.pollBackoff = pollBackoff;
        this.clock = clock;
    }

    @Override
    public String execute(String key, Supplier<String> operation) {
        Checks.notBlank("key", key);
        Checks.notNull("operation", operation);
        String[] keys = {keyPrefix + '{' + key + '}'};
        String token = clientId + ':' + sequence.incrementAndGet();
        long start = clock.nanoTime();
        long previousDelay = 0;
        for (int attempt = 1; ; attempt = Math.min(attempt + 1, 30)) {
            String state = call(CLAIM, keys, token, inProgressTtlMillis);
            if (state.isEmpty()) {
                return runFirst(key, keys, token, operation);
            }
            if (state.charAt(0) == 'D') {
                return state.substring(1);
            }
            if (state.charAt(0) == 'N') {
                return null;
            }
            long left = waitNanos - (clock.nanoTime() - start);
            if (left <= 0) {
                throw new ResilienceException(ErrorCode.IDEMPOTENCY_IN_PROGRESS, "an operation with idempotency key '"
                        + key + "' is still running elsewhere after waiting " + Duration.ofNanos(waitNanos));
            }
            previousDelay = pollBackoff.delayNanos(attempt, previousDelay);
            try {
                clock.sleep(Math.min(left, previousDelay));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while waiting for '" + key + "'", e);
            }
        }
    }

    private String runFirst(String key, String[] keys, String token, Supplier<String> operation) {
        String result;
        try {
            result = operation.get();
        } catch (RuntimeException | Error e) {
            call(ABANDON, keys, token); // a failed operation may be retried under the same key
            throw e;
        }
        Long stored = call(COMPLETE, keys, token, result == null ? "N" : "D" + result, resultTtlMillis);
        if (stored != 1L) {
            LOG.warn("operation with idempotency key '{}' outlived its in-progress TTL of {} ms; a duplicate may have run",
                    key, inProgressTtlMillis);
        }
        return result;
    }

    private <T> T call(RedisScript script, String[] keys, String... args) {
        try {
            return script.<T>run(connection, keys, args);
        } catch (RedisException e) {
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "idempotency store failed for " + keys[0], e);
        }
    }
}
