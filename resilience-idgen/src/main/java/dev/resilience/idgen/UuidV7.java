package dev.resilience.idgen;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * RFC 9562 version 7 UUIDs: 48 bits of Unix milliseconds, then random bits, so they sort by
 * creation time and index well. Monotonic within a generator by the RFC's method 1: the 12
 * {@code rand_a} bits are a counter that starts each millisecond at a random value in its lower
 * half and counts up; if it runs out, the generator moves to the next millisecond (the RFC's
 * allowed timestamp increment), and a clock that steps back never makes a UUID sort lower.
 *
 * <pre>{@code
 * UuidV7 uuids = UuidV7.create();
 * UUID id = uuids.next();
 * Instant created = UuidV7.timestamp(id);
 * }</pre>
 *
 * <p>The 62 {@code rand_b} bits come from {@link ThreadLocalRandom} unless another (thread-safe)
 * generator is given, such as a {@link java.security.SecureRandom} where ids must be unguessable.
 */
public interface UuidV7 {

    /** A UUID greater than every UUID this generator returned before. */
    UUID next();

    /** A generator on the system clock. */
    static UuidV7 create() {
        return new UuidV7Generator(Clock.system(), null);
    }

    /** A generator on {@code clock}. */
    static UuidV7 create(Clock clock) {
        return new UuidV7Generator(Checks.notNull("clock", clock), null);
    }

    /** A generator on {@code clock} drawing random bits from {@code random}, which must be thread-safe. */
    static UuidV7 create(Clock clock, RandomGenerator random) {
        return new UuidV7Generator(Checks.notNull("clock", clock), Checks.notNull("random", random));
    }

    /**
     * The Unix milliseconds of a version 7 UUID.
     *
     * @throws IllegalArgumentException if {@code uuid} is not an RFC 9562 version 7 UUID
     */
    static long unixMillis(UUID uuid) {
        Checks.notNull("uuid", uuid);
        if (uuid.version() != 7 || uuid.variant() != 2) {
            throw new IllegalArgumentException("uuid must be an RFC 9562 version 7 UUID but was " + uuid
                    + " (version " + uuid.version() + ", variant " + uuid.variant() + ")");
        }
        return uuid.getMostSignificantBits() >>> 16;
    }

    /** The creation time of a version 7 UUID; see {@link #unixMillis(UUID)}. */
    static Instant timestamp(UUID uuid) {
        return Instant.ofEpochMilli(unixMillis(uuid));
    }
}

/** The {@link UuidV7} implementation: one CAS on {@code millis << 12 | counter} per UUID. */
final class UuidV7Generator implements UuidV7 {

    private static final int COUNTER_BITS = 12;
    private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;
    /** Counters start in the lower half so at least 2,048 UUIDs fit in each millisecond. */
    private static final long START_MASK = COUNTER_MASK >>> 1;
    private static final long VERSION_7 = 0x7000L;
    private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;
    private static final long RAND_B_MASK = 0x3FFF_FFFF_FFFF_FFFFL;

    private final AtomicLong state = new AtomicLong();
    private final Clock clock;
    private final RandomGenerator random;

    UuidV7Generator(Clock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    @Override
    public UUID next() {
        RandomGenerator rng = random != null ? random : ThreadLocalRandom.current();
        long bits = rng.nextLong();
        for (;;) {
            long current = state.get();
            long last = current >>> COUNTER_BITS;
            long now = clock.wallMillis();
            long next;
            if (now > last) {
                next = now << COUNTER_BITS | (bits >>> 52 & START_MASK);
            } else if ((current & COUNTER_MASK) != COUNTER_MASK) {
                next = current + 1;
            } else {
                next = (last + 1) << COUNTER_BITS | (bits >>> 52 & START_MASK);
            }
            if (state.compareAndSet(current, next)) {
                long msb = (next >>> COUNTER_BITS) << 16 | VERSION_7 | (next & COUNTER_MASK);
                return new UUID(msb, VARIANT_RFC | (bits & RAND_B_MASK));
            }
        }
    }

    @Override
    public String toString() {
        return "UuidV7[" + clock + "]";
    }
}
