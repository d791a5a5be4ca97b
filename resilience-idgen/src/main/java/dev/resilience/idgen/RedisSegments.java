package dev.resilience.idgen;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/** The {@link SegmentAllocator} on Redis; see {@link RedisSegmentAllocator}. */
final class RedisSegments implements SegmentAllocator {

    /** KEYS: the counter. ARGV: step, the start value of a new counter. Returns the range's last id. */
    static final RedisScript TAKE_RANGE = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "redis.call('SET', KEYS[1], ARGV[2], 'NX')",
            "return redis.call('INCRBY', KEYS[1], ARGV[1])"));

    private final RedisSegmentAllocator.Settings settings;
    private final StatefulRedisConnection<String, String> connection;
    private final String[] keys;
    private final ReentrantLock switching = new ReentrantLock();
    private final AtomicReference<CompletableFuture<Segment>> pending = new AtomicReference<>();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong failedFetches = new AtomicLong();
    private final AtomicLong nextStep;
    private volatile Segment current;
    private volatile boolean closed;

    RedisSegments(RedisSegmentAllocator.Settings settings) {
        this.settings = settings;
        this.keys = new String[] {settings.key()};
        this.nextStep = new AtomicLong(settings.step());
        this.connection = RedisSupport.connect(settings.client(), "fetch ranges of " + settings.key());
        try {
            this.current = await(fetch(settings.step()));
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * A range {@code (end - step, end]}; the segment is its own atomic cursor (the next id), so
     * {@code nextId()} follows one reference less.
     */
    static final class Segment extends AtomicLong {
        private static final long serialVersionUID = 1L;
        final long end;
        final long step;
        final long prefetchAt;
        final long fetchedNanos;

        Segment(long end, long step, double prefetchWhenRemaining, long fetchedNanos) {
            super(end - step + 1);
            this.end = end;
            this.step = step;
            this.prefetchAt = end - (long) (step * prefetchWhenRemaining);
            this.fetchedNanos = fetchedNanos;
        }
    }

    @Override
    public long nextId() {
        for (;;) {
            Segment segment = current;
            long id = segment.getAndIncrement();
            if (id <= segment.end) {
                if (id == segment.prefetchAt) {
                    prefetch(segment);
                }
                return id;
            }
            advance(segment);
        }
    }

    /** Starts fetching the range after {@code segment}, sized by how fast {@code segment} is used. */
    private void prefetch(Segment segment) {
        CompletableFuture<Segment> next = new CompletableFuture<>();
        if (pending.compareAndSet(null, next)) {
            // Counted once, whether the fetch fails or a waiting call gives up on it first.
            next.whenComplete((fetchedSegment, failure) -> {
                if (failure != null) {
                    failedFetches.incrementAndGet();
                }
            });
            fetch(adaptStep(segment)).whenComplete((fetchedSegment, failure) -> {
                if (failure == null) {
                    next.complete(fetchedSegment);
                } else {
                    next.completeExceptionally(failure);
                }
            });
        }
    }

    /**
     * Doubles the step when ranges go faster than half the target duration, halves it when
     * slower than twice the target, judging by the part of {@code segment} used so far.
     */
    private long adaptStep(Segment segment) {
        long used = Math.max(1, segment.get() - (segment.end - segment.step + 1));
        long elapsed = settings.clock().nanoTime() - segment.fetchedNanos;
        double projectedNanos = (double) elapsed * segment.step / Math.min(used, segment.step);
        double target = settings.segmentDuration().toNanos();
        long step = segment.step;
        if (projectedNanos < target / 2) {
            step = Math.min(settings.maxStep(), step * 2);
        } else if (projectedNanos > target * 2) {
            step = Math.max(settings.minStep(), step / 2);
        }
        nextStep.set(step);
        return step;
    }

    private CompletableFuture<Segment> fetch(long step) {
        return TAKE_RANGE.<Long>runAsync(connection, settings.commandTimeout(), keys, String.valueOf(step),
                String.valueOf(settings.startAfter())).thenApply(end -> {
                    fetched.incrementAndGet();
                    return new Segment(end, step, settings.prefetchWhenRemaining(), settings.clock().nanoTime());
                });
    }

    /** The range is used up: switch to the prefetched one, waiting for it if it is still on its way. */
    private void advance(Segment used) {
        switching.lock();
        try {
            if (current != used) {
                return; // another thread switched already
            }
            if (closed) {
                throw new IllegalStateException("segment allocator " + settings.key() + " is closed");
            }
            prefetch(used); // no-op if one is on its way; otherwise (a failed or skipped prefetch) start one
            CompletableFuture<Segment> next = pending.get();
            if (!next.isDone()) {
                waits.incrementAndGet();
            }
            try {
                current = await(next);
            } catch (ResilienceException e) {
                next.completeExceptionally(e); // gave up on it: a late range is dropped (its ids are never reissued)
                throw e;
            } finally {
                pending.compareAndSet(next, null);
            }
        } finally {
            switching.unlock();
        }
    }

    private Segment await(CompletableFuture<Segment> segment) {
        try {
            return segment.get(settings.commandTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while fetching a range of "
                    + settings.key(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "no ids left: the range of " + settings.key()
                    + " is used up and the next one could not be fetched from Redis within "
                    + settings.commandTimeout().toMillis() + " ms (" + cause + ")", cause);
        }
    }

    @Override
    public Metrics metrics() {
        Segment segment = current;
        long remaining = Math.max(0, segment.end - segment.get() + 1);
        return new Metrics(fetched.get(), waits.get(), failedFetches.get(), nextStep.get(), remaining);
    }

    /** The fetch on its way, if any, for tests. */
    CompletableFuture<Segment> pendingFetch() {
        CompletableFuture<Segment> next = pending.get();
        return next != null ? next : CompletableFuture.completedFuture(current);
    }

    @Override
    public void close() {
        closed = true;
        connection.close();
    }

    @Override
    public String toString() {
        return "SegmentAllocator[" + settings.key() + "]";
    }
}
