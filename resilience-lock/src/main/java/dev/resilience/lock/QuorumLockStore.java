package dev.resilience.lock;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock on a majority of independent Redis masters (the Redlock scheme).
 *
 * <p>Acquire sends the acquire script to every node at once and counts the grants; it succeeds
 * if a majority granted and time is left of the lease after subtracting the time spent and the
 * drift margin. Otherwise it releases on every node (also those that did not answer: their SET
 * may have landed) and fails. The fencing token is the largest counter among the granting nodes,
 * written back to them before the acquire returns: any later majority shares a node with this
 * one, whose counter is then at least this token, so the next token is larger.
 */
final class QuorumLockStore implements LockStore {

    private static final Logger LOG = LoggerFactory.getLogger(QuorumLockStore.class);

    private final List<RedisLockStore> nodes;
    private final ClientResources resources;
    private final Settings settings;
    private final int majority;

    private QuorumLockStore(List<RedisLockStore> nodes, ClientResources resources, Settings settings) {
        this.nodes = nodes;
        this.resources = resources;
        this.settings = settings;
        this.majority = nodes.size() / 2 + 1;
    }

    static QuorumLockStore connect(List<String> uris, Settings settings) {
        ClientResources resources = DefaultClientResources.create();
        List<RedisLockStore> nodes = new ArrayList<>();
        try {
            for (String uri : uris) {
                nodes.add(RedisLockStore.connect(uri, settings, resources));
            }
        } catch (RuntimeException e) {
            nodes.forEach(RedisLockStore::close);
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
        return new QuorumLockStore(List.copyOf(nodes), resources, settings);
    }

    @Override
    public long acquire(String name, String token, long ttlMillis) throws InterruptedException {
        CompletableFuture<Long> result = acquireAsync(name, token, ttlMillis);
        try {
            // each step is bounded by the command timeout: two steps (grants, fence write-back)
            return result.get(2 * settings.commandTimeoutNanos() + TimeUnit.MILLISECONDS.toNanos(100),
                    TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            releaseEverywhere(name, token);
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ResilienceException ? (ResilienceException) e.getCause()
                    : new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "quorum lock '" + name + "' failed", e.getCause());
        } catch (TimeoutException e) {
            releaseEverywhere(name, token);
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "quorum lock '" + name + "' did not complete in time", e);
        }
    }

    @Override
    public CompletableFuture<Long> acquireAsync(String name, String token, long ttlMillis) {
        long start = settings.clock().nanoTime();
        List<CompletableFuture<Long>> replies = new ArrayList<>(nodes.size());
        for (RedisLockStore node : nodes) {
            replies.add(node.acquireAsync(name, token, ttlMillis).orTimeout(settings.commandTimeoutNanos(),
                    TimeUnit.NANOSECONDS));
        }
        return settled(replies).thenCompose(ignored -> {
            List<RedisLockStore> granted = new ArrayList<>(nodes.size());
            long fence = 0;
            long holderLeft = Long.MAX_VALUE;
            int failed = 0;
            Throwable lastFailure = null;
            for (int i = 0; i < nodes.size(); i++) {
                CompletableFuture<Long> reply = replies.get(i);
                if (reply.isCompletedExceptionally()) {
                    failed++;
                    lastFailure = reply.handle((v, e) -> e).join();
                } else if (reply.join() > 0) {
                    granted.add(nodes.get(i));
                    fence = Math.max(fence, reply.join());
                } else {
                    holderLeft = Math.min(holderLeft, -reply.join());
                }
            }
            long validity = TimeUnit.MILLISECONDS.toNanos(ttlMillis) - (settings.clock().nanoTime() - start)
                    - settings.driftNanos();
            if (granted.size() >= majority && validity > 0) {
                return raiseFences(granted, name, token, fence);
            }
            releaseEverywhere(name, token);
            if (failed > nodes.size() - majority) {
                return CompletableFuture.failedFuture(new ResilienceException(ErrorCode.REDIS_UNAVAILABLE,
                        "quorum lock '" + name + "': " + failed + " of " + nodes.size()
                                + " nodes did not answer, a majority of " + majority + " is out of reach",
                        lastFailure));
            }
            return CompletableFuture.completedFuture(holderLeft == Long.MAX_VALUE ? 0 : -holderLeft);
        });
    }

    /** Writes the token back to the granting nodes; the fence once a majority has it, else releases and refuses. */
    private CompletableFuture<Long> raiseFences(List<RedisLockStore> granted, String name, String token, long fence) {
        List<CompletableFuture<Long>> writes = new ArrayList<>(granted.size());
        for (RedisLockStore node : granted) {
            writes.add(node.raiseFence(name, fence).orTimeout(settings.commandTimeoutNanos(), TimeUnit.NANOSECONDS));
        }
        return settled(writes).thenApply(ignored -> {
            long written = writes.stream().filter(write -> !write.isCompletedExceptionally()).count();
            if (written >= majority) {
                return fence;
            }
            releaseEverywhere(name, token);
            LOG.debug("quorum lock '{}': the fence reached only {} nodes", name, written);
            return 0L;
        });
    }

    /** Completes when every future has completed, normally or not. */
    private static CompletableFuture<Void> settled(List<? extends CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(futures.stream().map(future -> future.handle((value, error) -> null))
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<Boolean> releaseAsync(String name, String token) {
        List<CompletableFuture<Boolean>> replies = new ArrayList<>(nodes.size());
        for (RedisLockStore node : nodes) {
            replies.add(node.releaseAsync(name, token).orTimeout(settings.commandTimeoutNanos(), TimeUnit.NANOSECONDS));
        }
        return settled(replies).thenApply(ignored -> {
            if (replies.stream().allMatch(CompletableFuture::isCompletedExceptionally)) {
                throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "quorum lock '" + name
                        + "': no node answered the release; the lock frees itself when its lease expires",
                        replies.get(0).handle((v, e) -> e).join());
            }
            return replies.stream().filter(reply -> !reply.isCompletedExceptionally() && reply.join()).count() >= majority;
        });
    }

    private void releaseEverywhere(String name, String token) {
        for (RedisLockStore node : nodes) {
            node.releaseAsync(name, token);
        }
    }

    @Override
    public boolean release(String name, String token) {
        try {
            return releaseAsync(name, token).get(settings.commandTimeoutNanos() + TimeUnit.MILLISECONDS.toNanos(100),
                    TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while releasing quorum lock '" + name
                    + "'; it frees itself when its lease expires", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ResilienceException ? (ResilienceException) e.getCause()
                    : new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "quorum release of '" + name + "' failed",
                            e.getCause());
        } catch (TimeoutException e) {
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "quorum lock '" + name
                    + "': the release did not complete in time; the lock frees itself when its lease expires", e);
        }
    }

    @Override
    public CompletionStage<Boolean> extend(String name, String token, long ttlMillis) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        AtomicInteger yes = new AtomicInteger();
        AtomicInteger no = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int size = nodes.size();
        for (RedisLockStore node : nodes) {
            node.extend(name, token, ttlMillis).whenComplete((extended, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                } else if (extended) {
                    yes.incrementAndGet();
                } else {
                    no.incrementAndGet();
                }
                if (yes.get() >= majority) {
                    result.complete(true);
                } else if (no.get() > size - majority) {
                    result.complete(false); // a majority no longer has our token: lost for sure
                } else if (yes.get() + no.get() + failed.get() == size) {
                    result.completeExceptionally(new ResilienceException(ErrorCode.REDIS_UNAVAILABLE,
                            "quorum lock '" + name + "': only " + yes.get() + " of " + size
                                    + " nodes extended the lease, " + failed.get() + " did not answer", error));
                }
            });
        }
        return result;
    }

    @Override
    public void flush() {
        nodes.forEach(RedisLockStore::flush);
    }

    @Override
    public void listen(Consumer<String> onReleased) {
        int listening = 0;
        for (RedisLockStore node : nodes) {
            try {
                node.listen(onReleased);
                listening++;
            } catch (ResilienceException e) {
                LOG.warn("quorum lock: no release notifications from {}; waiters there poll", node.uri(), e);
            }
        }
        if (listening == 0) {
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "quorum lock: no node accepted the subscription");
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisLockStore::close);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
