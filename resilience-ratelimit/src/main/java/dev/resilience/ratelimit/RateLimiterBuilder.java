package dev.resilience.ratelimit;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every limiter builder shares: a name, a clock and whether to count permits. Each
 * algorithm's builder adds its parameters; {@link #config()} validates them into an immutable
 * {@link RateLimiterConfig} and {@link #build()} makes the limiter.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.tokenBucket().name("api").capacity(10).refill(5, Duration.ofSeconds(1))
 *         .clock(clock).build();
 * }</pre>
 *
 * @param <B> the concrete builder
 */
public abstract class RateLimiterBuilder<B extends RateLimiterBuilder<B>> {

    private String name = "rate-limiter";
    private Clock clock = Clock.system();
    private boolean countPermits = true;

    RateLimiterBuilder() {
    }

    /** The name used in events and exceptions (default {@code "rate-limiter"}). */
    public B name(String name) {
        this.name = Checks.notBlank("name", name);
        return self();
    }

    /** The clock every decision reads (default {@link Clock#system()}). */
    public B clock(Clock clock) {
        this.clock = Checks.notNull("clock", clock);
        return self();
    }

    /**
     * Whether {@link RateLimiter#metrics()} counts permitted and rejected requests (default true).
     * Counting costs an uncontended add per decision; turn it off for the leanest hot path.
     */
    public B countPermits(boolean countPermits) {
        this.countPermits = countPermits;
        return self();
    }

    /**
     * The validated configuration.
     *
     * @throws IllegalArgumentException naming the parameter and value that is wrong
     */
    public abstract RateLimiterConfig config();

    /** The limiter. */
    public RateLimiter build() {
        return Limiters.create(name, config(), clock, countPermits);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Builds a token bucket (or leaky bucket meter). Guarantee, for each limit: at most
     * {@code capacity + floor(t / T)} permits in any interval of length {@code t}, where
     * {@code T = period / permits} rounded up to a nanosecond.
     *
     * <pre>{@code
     * RateLimiter api = RateLimiter.tokenBucket()
     *         .capacity(10).refill(10, Duration.ofSeconds(1))               // 10 per second
     *         .limit(Bandwidth.of(1000, 1000, Duration.ofHours(1)))           // and 1,000 per hour
     *         .startEmpty()
     *         .build();
     * }</pre>
     */
    public static final class Bucket extends RateLimiterBuilder<Bucket> {
        private long capacity;
        private long permits;
        private Duration period;
        private long initialPermits = Long.MAX_VALUE;
        private int stripes = 1;
        private final List<Bandwidth> extra = new ArrayList<>();

        Bucket() {
        }

        /** Permits a full bucket holds: the largest burst (default: the refill's permits). */
        public Bucket capacity(long capacity) {
            this.capacity = Checks.positive("capacity", capacity);
            return this;
        }

        /** Refills {@code permits} every {@code period}, evenly (one every {@code period / permits}). */
        public Bucket refill(long permits, Duration period) {
            this.permits = Checks.positive("permits", permits);
            this.period = Checks.positive("period", period);
            return this;
        }

        /** The leaky-bucket name of {@link #refill}: the bucket leaks {@code permits} per {@code period}. */
        public Bucket leakRate(long permits, Duration period) {
            return refill(permits, period);
        }

        /** Adds another limit, enforced atomically with the others. */
        public Bucket limit(Bandwidth limit) {
            extra.add(Checks.notNull("limit", limit));
            return this;
        }

        /** Permits the bucket holds at start, capped at each capacity (default: full). */
        public Bucket initialPermits(long initialPermits) {
            this.initialPermits = Checks.nonNegative("initialPermits", initialPermits);
            return this;
        }

        /**
         * Splits the bucket into {@code stripes} stripes (default 1) of {@code capacity / stripes}
         * permits refilled at {@code rate / stripes}, on separate cache lines, so many threads
         * admitting at once do not contend on one CAS. Each request takes from its thread's stripe,
         * else from any stripe that has the permits; the bound is unchanged, but one request may ask
         * for at most {@code capacity / stripes} permits. Single limit, in-JVM only.
         */
        public Bucket stripes(int stripes) {
            this.stripes = Checks.inRange("stripes", stripes, 1, 1024);
            return this;
        }

        /** Starts with no permits: the first come after one emission interval. */
        public Bucket startEmpty() {
            return initialPermits(0);
        }

        @Override
        public RateLimiterConfig.TokenBucket config() {
            List<Bandwidth> limits = new ArrayList<>();
            if (period != null) {
                limits.add(new Bandwidth(capacity == 0 ? permits : capacity, permits, period));
            } else if (capacity != 0) {
                throw new IllegalArgumentException("refill must be set with capacity " + capacity);
            }
            limits.addAll(extra);
            if (limits.isEmpty()) {
                throw new IllegalArgumentException("refill must be set (or a limit added)");
            }
            return new RateLimiterConfig.TokenBucket(limits, initialPermits, stripes);
        }
    }

    /**
     * Builds a pacer (leaky bucket as a queue). Guarantee: admitted permits start at least
     * {@code T = period / permits} apart (rounded up to a nanosecond), so at most
     * {@code 1 + floor(t / T)} in any interval of length {@code t}; no call waits longer than
     * {@code maxQueueDelay}, and one that would is refused at once.
     *
     * <pre>{@code
     * RateLimiter pacer = RateLimiter.pacer().rate(100, Duration.ofSeconds(1))
     *         .maxQueueDelay(Duration.ofMillis(500)).build();
     * pacer.tryAcquire();   // waits for its slot, up to 500 ms, or returns false at once
     * }</pre>
     */
    public static final class Pacer extends RateLimiterBuilder<Pacer> {
        private long permits;
        private Duration period;
        private Duration maxQueueDelay = Duration.ofSeconds(1);

        Pacer() {
        }

        /** Admits {@code permits} per {@code period}, evenly spaced. */
        public Pacer rate(long permits, Duration period) {
            this.permits = Checks.positive("permits", permits);
            this.period = Checks.positive("period", period);
            return this;
        }

        /** The longest a call waits for its slot (default 1 s); zero refuses any call that would wait. */
        public Pacer maxQueueDelay(Duration maxQueueDelay) {
            this.maxQueueDelay = Checks.nonNegative("maxQueueDelay", maxQueueDelay);
            return this;
        }

        @Override
        public RateLimiterConfig.Pacer config() {
            if (period == null) {
                throw new IllegalArgumentException("rate must be set");
            }
            return new RateLimiterConfig.Pacer(permits, period, maxQueueDelay);
        }
    }

    /**
     * Builds a window limiter. Guarantees, with {@code L = limit} and {@code W = window}:
     * <ul>
     * <li>fixed window: at most {@code L} permits in each window {@code [origin + kW, origin + (k+1)W)}
     * (so up to {@code 2L} in an interval of length {@code W} that straddles an edge);
     * <li>sliding log: at most {@code L} permits in any interval of length {@code W} (exact);
     * <li>sliding counter: at most {@code L} permits in any {@code buckets} consecutive sub-windows
     * of {@code W / buckets}, hence in any interval of length {@code W - W / buckets}.
     * </ul>
     *
     * <pre>{@code
     * RateLimiter perMinute = RateLimiter.slidingCounter().limit(600, Duration.ofMinutes(1)).buckets(12).build();
     * }</pre>
     */
    public static final class Window extends RateLimiterBuilder<Window> {
        /** Which window algorithm. */
        enum Kind {
            FIXED, LOG, COUNTER
        }

        private final Kind kind;
        private long limit;
        private Duration window;
        private int buckets = 10;

        Window(Kind kind) {
            this.kind = kind;
        }

        /** Admits {@code limit} permits per {@code window}. */
        public Window limit(long limit, Duration window) {
            this.limit = Checks.positive("limit", limit);
            this.window = Checks.positive("window", window);
            return this;
        }

        /** Sub-windows of a sliding counter (default 10); more is smoother and takes more memory. */
        public Window buckets(int buckets) {
            if (kind != Kind.COUNTER) {
                throw new IllegalArgumentException("buckets applies only to a sliding counter, not a " + kind);
            }
            this.buckets = Checks.inRange("buckets", buckets, 2, 1024);
            return this;
        }

        @Override
        public RateLimiterConfig config() {
            if (window == null) {
                throw new IllegalArgumentException("limit must be set");
            }
            switch (kind) {
                case FIXED:
                    return new RateLimiterConfig.FixedWindow(limit, window);
                case LOG:
                    return new RateLimiterConfig.SlidingLog(limit, window);
                default:
                    return new RateLimiterConfig.SlidingCounter(limit, window, buckets);
            }
        }
    }

    /**
     * Builds a warm-up limiter (Guava's {@code SmoothWarmingUp} model): idle time stores permits,
     * and stored permits cost more (up to {@code coldFactor ×} the stable interval), so after an
     * idle spell the rate ramps from cold to full over {@code warmUp} of saturated use. Guarantee:
     * every permit costs at least the stable interval {@code T = period / permits}, so at most
     * {@code 1 + floor(t / T)} single permits in any interval of length {@code t}; once warm it
     * admits exactly the configured rate.
     *
     * <pre>{@code
     * RateLimiter warm = RateLimiter.warmUp().rate(100, Duration.ofSeconds(1))
     *         .warmUp(Duration.ofSeconds(10)).coldFactor(3).build();
     * }</pre>
     */
    public static final class WarmUp extends RateLimiterBuilder<WarmUp> {
        private long permits;
        private Duration period;
        private Duration warmUp;
        private double coldFactor = 3.0;

        WarmUp() {
        }

        /** The full rate, once warm. */
        public WarmUp rate(long permits, Duration period) {
            this.permits = Checks.positive("permits", permits);
            this.period = Checks.positive("period", period);
            return this;
        }

        /** How long saturated use takes to go from cold to the full rate; must be positive. */
        public WarmUp warmUp(Duration warmUp) {
            this.warmUp = Checks.positive("warmUp", warmUp);
            return this;
        }

        /** How many times slower the cold rate is (default 3, at least 1). */
        public WarmUp coldFactor(double coldFactor) {
            this.coldFactor = Checks.atLeast("coldFactor", coldFactor, 1.0);
            return this;
        }

        @Override
        public RateLimiterConfig.WarmUp config() {
            if (period == null) {
                throw new IllegalArgumentException("rate must be set");
            }
            if (warmUp == null) {
                throw new IllegalArgumentException("warmUp must be set (a token bucket has no warm-up)");
            }
            return new RateLimiterConfig.WarmUp(permits, period, warmUp, coldFactor);
        }
    }
}
