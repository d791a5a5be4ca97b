package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.EventListener;
import dev.resilience.api.EventPublisher;
import dev.resilience.api.RateLimitedException;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.Subscription;
import dev.resilience.api.ThrowingSupplier;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Everything a limiter does around its algorithm: the manual switch, pauses, waiting, counting,
 * events and the decorator contract. An algorithm implements {@link #reserve}, which returns
 * {@code >= 0} when it granted the permits (the caller waits that many nanoseconds, 0 for now)
 * or {@code ~retryAfterNanos} (negative) when it refused them; one {@code long}, no allocation.
 */
abstract class AbstractLimiter implements RateLimiter {

    private static final int BYPASS = 1;
    /** Set by the first pause and never cleared, so a pause racing another cannot be lost. */
    private static final int PAUSE = 2;
    private static final AtomicIntegerFieldUpdater<AbstractLimiter> GATE =
            AtomicIntegerFieldUpdater.newUpdater(AbstractLimiter.class, "gate");
    private static final AtomicLongFieldUpdater<AbstractLimiter> PAUSED_UNTIL =
            AtomicLongFieldUpdater.newUpdater(AbstractLimiter.class, "pausedUntil");

    final String name;
    final Clock clock;
    private final long defaultMaxWait;
    private final EventPublisher<RateLimiterEvent> events;
    private final LongAdder permitted;
    private final LongAdder rejected;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile int gate;
    private volatile long pausedUntil;
    private volatile RateLimiterConfig config;

    AbstractLimiter(String name, RateLimiterConfig config, Clock clock, boolean countPermits, long defaultMaxWait) {
        this.name = Checks.notBlank("name", name);
        this.config = Checks.notNull("config", config);
        this.clock = Checks.notNull("clock", clock);
        this.defaultMaxWait = defaultMaxWait;
        this.events = new EventPublisher<>(name);
        this.permitted = countPermits ? new LongAdder() : null;
        this.rejected = countPermits ? new LongAdder() : null;
    }

    /** Grants or refuses {@code permits} at {@code now}, reserving up to {@code maxWait} ahead. */
    abstract long reserve(int permits, long now, long maxWait);

    /** Permits that could be taken at {@code now}. */
    abstract long available(long now);

    /** Takes every available permit. */
    abstract void drain(long now);

    /** Swaps in {@code next} (already checked to be of the same algorithm), carrying state over. */
    abstract void apply(RateLimiterConfig next, long now);

    private long decide(int permits, long maxWait) {
        long now = clock.nanoTime();
        int g = gate;
        if (g != 0) {
            if ((g & BYPASS) != 0) {
                return 0;
            }
            long left = pausedUntil - now;
            if (left > 0) {
                return ~left;
            }
        }
        return reserve(permits, now, maxWait);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean tryAcquire(int permits) {
        return tryAcquireNanos(permits, defaultMaxWait);
    }

    @Override
    public final boolean tryAcquire(int permits, Duration timeout) {
        return tryAcquireNanos(permits, Checks.nonNegative("timeout", timeout).toNanos());
    }

    private boolean tryAcquireNanos(int permits, long maxWait) {
        long result = decide(permits, maxWait);
        if (result == 0) {
            granted(permits);
            return true;
        }
        try {
            return settle(permits, maxWait, result) == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public final void acquire(int permits) throws InterruptedException {
        settle(permits, Long.MAX_VALUE, decide(permits, Long.MAX_VALUE));
    }

    @Override
    public final long tryAcquireOrRetryAfter(int permits) {
        long result = decide(permits, 0);
        if (result == 0) {
            granted(permits);
            return 0;
        }
        long retryAfter = Math.max(1, ~result);
        refused(permits, retryAfter);
        return retryAfter;
    }

    @Override
    public final void acquireOrThrow(int permits) {
        long result = decide(permits, defaultMaxWait);
        if (result == 0) {
            granted(permits);
            return;
        }
        long retryAfter;
        try {
            retryAfter = settle(permits, defaultMaxWait, result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while waiting for limiter '" + name + "'", e);
        }
        if (retryAfter != 0) {
            throw new RateLimitedException(name, retryAfter);
        }
    }

    /**
     * The slow path: waits out a reservation, or (for algorithms that cannot reserve, and for
     * pauses) sleeps until the permits free up and asks again, all within {@code maxWait}.
     * Returns 0 when granted, else the retry-after of the final refusal.
     */
    private long settle(int permits, long maxWait, long result) throws InterruptedException {
        if (result < 0 && Math.max(1, ~result) > maxWait) {
            // The common refusal: no waiting can help, so no further clock reads.
            long retryAfter = Math.max(1, ~result);
            refused(permits, retryAfter);
            return retryAfter;
        }
        long start = clock.nanoTime();
        while (result < 0) {
            long retryAfter = Math.max(1, ~result);
            long left = maxWait - (clock.nanoTime() - start);
            if (retryAfter > left) {
                refused(permits, retryAfter);
                return retryAfter;
            }
            sleep(retryAfter);
            result = decide(permits, maxWait - (clock.nanoTime() - start));
        }
        granted(permits);
        if (result > 0) {
            sleep(result);
        }
        return 0;
    }

    private void sleep(long nanos) throws InterruptedException {
        waiting.incrementAndGet();
        try {
            clock.sleep(nanos);
        } finally {
            waiting.decrementAndGet();
        }
    }

    private void granted(int permits) {
        if (permitted != null) {
            permitted.add(permits);
        }
    }

    private void refused(int permits, long retryAfter) {
        if (rejected != null) {
            rejected.increment();
        }
        if (events.hasListeners()) {
            events.publish(new RateLimiterEvent.Rejected(name, permits, retryAfter));
        }
    }

    @Override
    public final <T, X extends Throwable> T call(ThrowingSupplier<? extends T, X> call) throws X {
        acquireOrThrow(1);
        return call.get();
    }

    @Override
    public final <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> call) {
        try {
            acquireOrThrow(1);
        } catch (ResilienceException e) {
            return CompletableFuture.failedFuture(e);
        }
        return call.get();
    }

    @Override
    public final long availablePermits() {
        return available(clock.nanoTime());
    }

    @Override
    public final void drain() {
        drain(clock.nanoTime());
        publish(new RateLimiterEvent.Drained(name));
    }

    @Override
    public final void pause(Duration duration) {
        long nanos = Checks.nonNegative("duration", duration).toNanos();
        long until = clock.nanoTime() + nanos;
        // Keep the later deadline of overlapping pauses, then set the gate bit that makes
        // decisions read it (never cleared, so one pause cannot clear another).
        PAUSED_UNTIL.getAndUpdate(this, current -> current - until < 0 || (gate & PAUSE) == 0 ? until : current);
        GATE.getAndUpdate(this, g -> g | PAUSE);
        publish(new RateLimiterEvent.Paused(name, nanos));
    }

    @Override
    public final void mode(Mode mode) {
        Checks.notNull("mode", mode);
        GATE.getAndUpdate(this, g -> mode == Mode.BYPASS ? g | BYPASS : g & ~BYPASS);
        publish(new RateLimiterEvent.ModeChanged(name, mode));
    }

    @Override
    public final Mode mode() {
        return (gate & BYPASS) != 0 ? Mode.BYPASS : Mode.ENFORCE;
    }

    @Override
    public final RateLimiterConfig config() {
        return config;
    }

    @Override
    public final void reconfigure(RateLimiterConfig next) {
        Checks.notNull("config", next);
        RateLimiterConfig previous = config;
        if (next.getClass() != previous.getClass()) {
            throw new IllegalArgumentException("config must be a " + previous.getClass().getSimpleName()
                    + " like the limiter's but was " + next);
        }
        apply(next, clock.nanoTime());
        config = next;
        publish(new RateLimiterEvent.Reconfigured(name, previous, next));
    }

    @Override
    public final RateLimiterMetrics metrics() {
        return new RateLimiterMetrics(permitted == null ? 0 : permitted.sum(), rejected == null ? 0 : rejected.sum(),
                waiting.get(), availablePermits());
    }

    @Override
    public final Subscription subscribe(EventListener<? super RateLimiterEvent> listener) {
        return events.subscribe(listener);
    }

    private void publish(RateLimiterEvent event) {
        if (events.hasListeners()) {
            events.publish(event);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + config + "]";
    }
}
