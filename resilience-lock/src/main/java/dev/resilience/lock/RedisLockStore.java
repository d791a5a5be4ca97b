package dev.resilience.lock;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Locks on one Redis master, each operation one Lua script (one round trip, atomic).
 *
 * <p>Two connections: one for acquire and release, and one for renewals, which batches every
 * renewal of a watchdog tick into one write and keeps them from queueing behind application
 * traffic. A third, for the release channel, opens on the first wait.
 */
final class RedisLockStore implements LockStore {

    /**
     * KEYS: lock, fence. ARGV: token, ttl ms, "1" to keep the fence above the server clock in µs.
     * Returns the fence if granted, else minus the holder's remaining ms (never positive).
     */
    static final RedisScript ACQUIRE = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then",
            "  local fence = redis.call('INCR', KEYS[2])",
            "  if ARGV[3] == '1' then",
            "    local now = redis.call('TIME')",
            "    local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])",
            "    if fence < floor then",
            "      fence = floor",
            "      redis.call('SET', KEYS[2], string.format('%.0f', floor))",
            "    end",
            "  end",
            "  return fence",
            "end",
            "local left = redis.call('PTTL', KEYS[1])",
            "if left < 0 then left = 0 end",
            "return -left"));

    /** KEYS: lock. ARGV: token, channel, name. Compare-and-delete, then tell the waiters. */
    static final RedisScript RELEASE = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "if redis.call('GET', KEYS[1]) == ARGV[1] then",
            "  redis.call('DEL', KEYS[1])",
            "  redis.call('PUBLISH', ARGV[2], ARGV[3])",
            "  return 1",
            "end",
            "return 0"));

    /** KEYS: lock. ARGV: token, ttl ms. Compare-and-pexpire. */
    static final RedisScript EXTEND = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "if redis.call('GET', KEYS[1]) == ARGV[1] then",
            "  return redis.call('PEXPIRE', KEYS[1], ARGV[2])",
            "end",
            "return 0"));

    /** KEYS: fence. ARGV: floor. Raises the counter to at least the floor (the quorum's write-back). */
    static final RedisScript RAISE_FENCE = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "local fence = tonumber(redis.call('GET', KEYS[1]) or '0')",
            "if fence < tonumber(ARGV[1]) then",
            "  redis.call('SET', KEYS[1], ARGV[1])",
            "end",
            "return 1"));

    private final String uri;
    private final Settings settings;
    private final RedisClient client;
    private final ClientResources ownedResources;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisConnection<String, String> renewals;
    private final String fencedArg;
    private final String channel;
    private final long awaitNanos;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;

    private RedisLockStore(String uri, Settings settings, RedisClient client, ClientResources ownedResources) {
        this.uri = uri;
        this.settings = settings;
        this.client = client;
        this.ownedResources = ownedResources;
        this.fencedArg = settings.safety() == SafetyLevel.FENCED ? "1" : "0";
        this.channel = settings.channel();
        this.awaitNanos = settings.commandTimeoutNanos();
        try {
            this.commands = client.connect();
            this.renewals = client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            if (ownedResources != null) {
                ownedResources.shutdown();
            }
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "cannot connect to Redis at " + uri, e);
        }
        renewals.setAutoFlushCommands(false);
    }

    /**
     * Connects to {@code uri}; with {@code resources} null the store owns (and shuts down) its own
     * Netty resources.
     */
    static RedisLockStore connect(String uri, Settings settings, ClientResources resources) {
        RedisURI redisUri = RedisURI.create(uri);
        Duration timeout = Duration.ofNanos(settings.commandTimeoutNanos());
        redisUri.setTimeout(timeout);
        ClientResources owned = resources == null ? DefaultClientResources.create() : null;
        RedisClient client = RedisClient.create(resources == null ? owned : resources, redisUri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // A lock call must fail within its timeout, not wait in a queue for a reconnect.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // No per-command expiry timer (it costs a task on another thread per command): every
                // wait on a reply is bounded by the command timeout where it happens instead, and an
                // unanswered renewal is caught by the lease's local deadline.
                .build());
        return new RedisLockStore(uri, settings, client, owned);
    }

    String uri() {
        return uri;
    }

    @Override
    public long acquire(String name, String token, long ttlMillis) throws InterruptedException {
        try {
            if (settings.replicas() == 0) {
                String key = key(name);
                return call(ACQUIRE, "acquire", name, new String[] {key, key + ":fence"},
                        token, Long.toString(ttlMillis), fencedArg);
            }
            return await(acquireAsync(name, token, ttlMillis), "acquire", name);
        } catch (ResilienceException | InterruptedException e) {
            // The SET may have landed although the answer did not: give it back rather than
            // leave it blocking everyone until it expires.
            releaseAsync(name, token);
            throw e;
        }
    }

    /** The acquire script, then {@code WAIT} for replicas when the safety level asks for it. */
    @Override
    public CompletableFuture<Long> acquireAsync(String name, String token, long ttlMillis) {
        String key = key(name);
        CompletableFuture<Long> granted = ACQUIRE.runAsync(commands, new String[] {key, key + ":fence"},
                token, Long.toString(ttlMillis), fencedArg);
        if (settings.replicas() == 0) {
            return granted;
        }
        return granted.thenCompose(fence -> fence <= 0 ? CompletableFuture.completedFuture(fence)
                : commands.async().waitForReplication(settings.replicas(),
                        TimeUnit.NANOSECONDS.toMillis(settings.replicationTimeoutNanos()))
                        .toCompletableFuture()
                        .thenApply(acks -> {
                            if (acks < settings.replicas()) {
                                releaseAsync(name, token);
                                throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "only " + acks + " of "
                                        + settings.replicas() + " replicas acknowledged lock '" + name + "' within "
                                        + Duration.ofNanos(settings.replicationTimeoutNanos())
                                        + "; released it again (REPLICATED safety fails closed)");
                            }
                            return fence;
                        }));
    }

    @Override
    public boolean release(String name, String token) {
        try {
            return one(call(RELEASE, "release", name, new String[] {key(name)}, token, channel, name));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while releasing lock '" + name
                    + "'; it frees itself when its lease expires", e);
        }
    }

    @Override
    public CompletableFuture<Boolean> releaseAsync(String name, String token) {
        return RELEASE.<Long>runAsync(commands, new String[] {key(name)}, token, channel, name).thenApply(RedisLockStore::one);
    }

    @Override
    public CompletionStage<Boolean> extend(String name, String token, long ttlMillis) {
        return EXTEND.<Long>runAsync(renewals, new String[] {key(name)}, token, Long.toString(ttlMillis))
                .thenApply(RedisLockStore::one);
    }

    @Override
    public void flush() {
        renewals.flushCommands();
    }

    /** Raises the lock's fencing counter to at least {@code floor}. */
    CompletableFuture<Long> raiseFence(String name, long floor) {
        return RAISE_FENCE.runAsync(commands, new String[] {key(name) + ":fence"}, Long.toString(floor));
    }

    @Override
    public void listen(Consumer<String> onReleased) {
        StatefulRedisPubSubConnection<String, String> connection;
        try {
            connection = client.connectPubSub();
        } catch (RuntimeException e) {
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "cannot subscribe at " + uri, e);
        }
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String name) {
                onReleased.accept(name);
            }
        });
        try {
            await(connection.async().subscribe(channel).toCompletableFuture(), "subscribe", channel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.close();
            throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while subscribing", e);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        pubSub = connection;
    }

    @Override
    public void close() {
        StatefulRedisPubSubConnection<String, String> subscription = pubSub;
        if (subscription != null) {
            subscription.close();
        }
        renewals.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (ownedResources != null) {
            ownedResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    String key(String name) {
        return settings.keyPrefix() + '{' + name + '}';
    }

    private <T> T await(CompletableFuture<T> future, String operation, String name) throws InterruptedException {
        try {
            return future.get(awaitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw unavailable(operation, name, e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw unavailable(operation, name, e);
        }
    }

    /** The synchronous path: one EVALSHA and its reply, bounded by the connection's command timeout. */
    private <T> T call(RedisScript script, String operation, String name, String[] keys, String... args)
            throws InterruptedException {
        try {
            return script.run(commands, keys, args);
        } catch (RedisCommandInterruptedException e) {
            Thread.interrupted(); // reported by the exception instead of the flag
            InterruptedException interrupted = new InterruptedException("interrupted during " + operation + " of '" + name + "'");
            interrupted.initCause(e);
            throw interrupted;
        } catch (RedisException e) {
            throw unavailable(operation, name, e);
        }
    }

    private ResilienceException unavailable(String operation, String name, Throwable cause) {
        if (cause instanceof ResilienceException) {
            return (ResilienceException) cause;
        }
        return new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, operation + " of '" + name + "' failed at "
                + uri + " within " + Duration.ofNanos(settings.commandTimeoutNanos()) + ": " + cause, cause);
    }

    private static boolean one(Long reply) {
        return reply != null && reply == 1L;
    }
}
