package dev.resilience.idgen;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A Lua script run by {@code EVALSHA}, falling back to {@code EVAL} (which also caches it on the
 * server) when the server does not know it, e.g. after a restart. One round trip, atomic.
 */
final class LuaScript {

    private final String source;
    private final String sha;
    private final ScriptOutputType type;

    LuaScript(String source, ScriptOutputType type) {
        this.source = source;
        this.type = type;
        try {
            this.sha = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /** Runs the script; the stage fails with a {@code TimeoutException} after {@code timeout}. */
    <T> CompletableFuture<T> run(RedisAsyncCommands<String, String> redis, Duration timeout, String[] keys,
            String... args) {
        CompletionStage<T> first = redis.evalsha(sha, type, keys, args);
        return first.handle((value, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof RedisNoScriptException) {
                CompletionStage<T> loaded = redis.eval(source, type, keys, args);
                return loaded;
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(stage -> stage).toCompletableFuture()
                .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
