package dev.resilience.lock;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A Lua script sent by its SHA-1 ({@code EVALSHA}), and in full once if the server lacks it. */
final class Script {

    private final String source;
    private final String sha;
    private final ScriptOutputType type;

    Script(ScriptOutputType type, String source) {
        this.type = type;
        this.source = source;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            this.sha = HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /** Runs the script; the result completes with the script's reply or the Redis error. */
    <T> CompletableFuture<T> run(StatefulRedisConnection<String, String> connection, String[] keys, String... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        connection.async().<T>evalsha(sha, type, keys, args).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else if (unwrap(error) instanceof RedisNoScriptException) {
                // After a restart or SCRIPT FLUSH: send the body once; EVAL caches it again.
                connection.async().<T>eval(source, type, keys, args).whenComplete((retried, again) -> {
                    if (again == null) {
                        result.complete(retried);
                    } else {
                        result.completeExceptionally(unwrap(again));
                    }
                });
                connection.flushCommands();
            } else {
                result.completeExceptionally(unwrap(error));
            }
        });
        return result;
    }

    /**
     * Runs the script and waits for the reply: the synchronous path, without the extra stage
     * {@link #run} adds, since a lock's acquire and release are two round trips and nothing else.
     */
    <T> T call(StatefulRedisConnection<String, String> connection, long timeoutNanos, String[] keys, String... args)
            throws InterruptedException, ExecutionException, TimeoutException {
        RedisFuture<T> reply = connection.async().evalsha(sha, type, keys, args);
        try {
            return reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RedisNoScriptException)) {
                throw e;
            }
            return connection.async().<T>eval(source, type, keys, args).get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            reply.cancel(false);
            throw e;
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
