package dev.resilience.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A Lua script sent by its SHA-1 ({@code EVALSHA}) and, when the server does not know it (after
 * a restart, a failover or {@code SCRIPT FLUSH}), once in full by {@code EVAL}, which caches it
 * again. Every multi-step Redis operation of the library is one of these: one round trip, atomic.
 *
 * <pre>{@code
 * static final RedisScript RELEASE = new RedisScript(ScriptOutputType.INTEGER,
 *         "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0");
 *
 * CompletableFuture<Long> released = RELEASE.runAsync(connection, new String[] {"lock:{orders}"}, token);
 * }</pre>
 *
 * <p>Instances are immutable and meant to be constants. This module is the Redis plumbing of the
 * library's own modules; applications use the primitives, not this class.
 */
public final class RedisScript {

    private final ScriptOutputType type;
    private final String source;
    private final String sha;

    /**
     * A script and the type of its reply.
     *
     * @throws IllegalArgumentException if {@code type} is null or {@code source} is null or blank
     */
    public RedisScript(ScriptOutputType type, String source) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("source must be a Lua script but was " + source);
        }
        this.type = type;
        this.source = source;
        this.sha = sha1(source);
    }

    /** The script's SHA-1 in lower-case hex, as {@code SCRIPT LOAD} answers it. */
    public String sha() {
        return sha;
    }

    /**
     * Runs the script without blocking. The future completes with the reply or with the Redis
     * error itself (unwrapped); cancelling it (or completing it any other way first) cancels the
     * command if it has not been sent yet, so a caller that gave up on a slow Redis does not have
     * the script run later on its behalf.
     *
     * <p>Works on connections that buffer commands ({@code setAutoFlushCommands(false)}): the
     * fallback {@code EVAL} is flushed at once, since it is sent from a reply callback.
     */
    public <T> CompletableFuture<T> runAsync(StatefulRedisConnection<String, String> connection, String[] keys,
            String... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        RedisFuture<T> first = connection.async().evalsha(sha, type, keys, args);
        first.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else if (unwrap(error) instanceof RedisNoScriptException) {
                RedisFuture<T> full = connection.async().eval(source, type, keys, args);
                full.whenComplete((retried, again) -> complete(result, retried, again));
                connection.flushCommands();
            } else {
                result.completeExceptionally(unwrap(error));
            }
        });
        result.whenComplete((value, error) -> {
            if (!first.isDone()) { // the caller gave up (cancel or timeout) before Redis answered
                first.cancel(false);
            }
        });
        return result;
    }

    /**
     * {@link #runAsync(StatefulRedisConnection, String[], String...)} that fails with a
     * {@link java.util.concurrent.TimeoutException} when Redis has not answered within
     * {@code timeout}; a command still unsent by then is cancelled, not run late.
     */
    public <T> CompletableFuture<T> runAsync(StatefulRedisConnection<String, String> connection, Duration timeout,
            String[] keys, String... args) {
        return this.<T>runAsync(connection, keys, args).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs the script and waits for the reply, as long as the connection's command timeout allows.
     *
     * @throws io.lettuce.core.RedisException the Redis error, or a timeout or connection failure
     */
    public <T> T run(StatefulRedisConnection<String, String> connection, String[] keys, String... args) {
        try {
            return connection.sync().evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return connection.sync().eval(source, type, keys, args);
        }
    }

    /**
     * The cause of a failed stage: Lettuce and {@code CompletableFuture} wrap the Redis error in
     * {@link CompletionException} or {@link ExecutionException} depending on the path it took.
     */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public String toString() {
        return "RedisScript[" + sha + "]";
    }

    private static <T> void complete(CompletableFuture<T> result, T value, Throwable error) {
        if (error == null) {
            result.complete(value);
        } else {
            result.completeExceptionally(unwrap(error));
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
