package dev.resilience.ratelimit;

/**
 * The generic cell rate algorithm: a token bucket (and a leaky bucket meter, the same thing seen
 * from the other side) in one {@code long}, the theoretical arrival time (TAT) of the next
 * permit. The bucket is full when {@code TAT <= now}; each permit pushes TAT one emission
 * interval {@code T} further; a request is admitted when the pushed TAT stays within the burst
 * tolerance {@code capacity × T} of now.
 *
 * <p>Guarantee: at most {@code capacity + floor(t / T)} permits are granted in any interval of
 * length {@code t}, where {@code T} is the emission interval rounded up to a nanosecond.
 */
final class Gcra implements LongRule {

    /** Largest burst tolerance (~73 years) so TAT arithmetic never overflows. */
    static final long MAX_TOLERANCE_NANOS = 1L << 61;

    private final long interval;
    private final long capacity;
    private final long tolerance;
    private final long maxPermitsPerCall;

    /**
     * @param interval nanoseconds per permit
     * @param capacity permits a full bucket holds
     * @param maxPermitsPerCall the largest request (the capacity, or more for a pacer that queues)
     */
    Gcra(long interval, long capacity, long maxPermitsPerCall) {
        this.interval = interval;
        this.capacity = capacity;
        this.tolerance = capacity * interval;
        this.maxPermitsPerCall = maxPermitsPerCall;
    }

    static Gcra of(Bandwidth bandwidth) {
        return new Gcra(bandwidth.intervalNanos(), bandwidth.capacity(), bandwidth.capacity());
    }

    long interval() {
        return interval;
    }

    long capacity() {
        return capacity;
    }

    @Override
    public long initial(long now, long initialPermits) {
        return now + (capacity - Math.min(initialPermits, capacity)) * interval;
    }

    @Override
    public long waitNanos(long tat, int permits, long now) {
        long wait = take(tat, permits, now) - now - tolerance;
        return wait < 0 ? 0 : wait;
    }

    @Override
    public long take(long tat, int permits, long now) {
        return (tat - now < 0 ? now : tat) + permits * interval;
    }

    @Override
    public boolean reserves() {
        return true;
    }

    @Override
    public long available(long tat, long now) {
        long debt = tat - now;
        return debt <= 0 ? capacity : Math.max(0, (tolerance - debt) / interval);
    }

    @Override
    public long drained(long tat, long now) {
        long empty = now + tolerance;
        return tat - empty > 0 ? tat : empty;
    }

    @Override
    public long nanosToNeutral(long tat, long now) {
        return Math.max(0, tat - now);
    }

    @Override
    public long maxPermitsPerCall() {
        return maxPermitsPerCall;
    }

    @Override
    public long convert(LongRule old, long state, long now) {
        if (!(old instanceof Gcra)) {
            return initial(now, Math.min(capacity, old.available(state, now)));
        }
        Gcra before = (Gcra) old;
        // Tokens held, with their fraction, so a reconfiguration neither gains nor loses time.
        double held = (before.tolerance - Math.max(0, state - now)) / (double) before.interval;
        if (held < 0) {
            // Reservations made under the old rule stay owed, at the new rate.
            return now + tolerance + (long) Math.ceil(-held * interval);
        }
        return now + tolerance - (long) Math.floor(Math.min(held, capacity) * interval);
    }
}
