package dev.resilience.idgen;

import java.time.Duration;

/**
 * How a {@link Snowflake} id splits its 63 usable bits (the sign bit stays zero, so ids are
 * positive): from the top, a timestamp counted in ticks since the generator's epoch, the worker
 * id, then a per-tick sequence.
 *
 * <pre>{@code
 * SnowflakeLayout layout = new SnowflakeLayout(41, 10, 12, 1);   // same as CLASSIC
 * layout.lifetime();                // about 69.7 years from the epoch
 * layout.idsPerSecondPerWorker();   // 4,096,000
 * }</pre>
 *
 * @param timestampBits bits of the tick count since the epoch; they decide how long the layout lasts
 * @param workerIdBits bits of the worker id; {@code 2^workerIdBits} generators may run at once
 * @param sequenceBits bits of the per-tick sequence; {@code 2^sequenceBits} ids per tick per worker
 * @param tickMillis the length of one tick in milliseconds (1 for millisecond layouts)
 */
public record SnowflakeLayout(int timestampBits, int workerIdBits, int sequenceBits, long tickMillis) {

    /** The classic layout: 41 bits of milliseconds (69.7 years), 10 bits of worker, 12 bits of sequence. */
    public static final SnowflakeLayout CLASSIC = new SnowflakeLayout(41, 10, 12, 1);

    /**
     * Ids that fit in 53 bits, so JavaScript's {@code Number} holds them exactly: 41 bits of
     * milliseconds, 5 bits of worker (32 workers), 7 bits of sequence (128,000 ids/s per worker).
     */
    public static final SnowflakeLayout JS_SAFE = new SnowflakeLayout(41, 5, 7, 1);

    /**
     * Seconds resolution: 32 bits of seconds (136 years), 10 bits of worker, 21 bits of sequence
     * (2,097,152 ids per second per worker); tolerates coarse clocks.
     */
    public static final SnowflakeLayout SECONDS = new SnowflakeLayout(32, 10, 21, 1000);

    /** Validates the bit budget. */
    public SnowflakeLayout {
        if (timestampBits < 1 || timestampBits > 62) {
            throw new IllegalArgumentException("timestampBits must be between 1 and 62 but was " + timestampBits);
        }
        if (workerIdBits < 0 || workerIdBits > 31) {
            throw new IllegalArgumentException("workerIdBits must be between 0 and 31 but was " + workerIdBits);
        }
        if (sequenceBits < 1 || sequenceBits > 30) {
            throw new IllegalArgumentException("sequenceBits must be between 1 and 30 but was " + sequenceBits);
        }
        int total = timestampBits + workerIdBits + sequenceBits;
        if (total > 63) {
            throw new IllegalArgumentException("timestampBits + workerIdBits + sequenceBits must be at most 63 "
                    + "(the sign bit stays clear) but was " + timestampBits + " + " + workerIdBits + " + "
                    + sequenceBits + " = " + total);
        }
        if (tickMillis < 1) {
            throw new IllegalArgumentException("tickMillis must be positive but was " + tickMillis);
        }
        // The last tick's start must be representable in milliseconds.
        if (Long.numberOfLeadingZeros(tickMillis) <= timestampBits + 1) {
            throw new IllegalArgumentException("tickMillis " + tickMillis + " with timestampBits " + timestampBits
                    + " overflows a long of milliseconds");
        }
    }

    /** The bits used, sign excluded (53 or fewer means JavaScript-safe). */
    public int totalBits() {
        return timestampBits + workerIdBits + sequenceBits;
    }

    /** The largest worker id. */
    public long maxWorkerId() {
        return (1L << workerIdBits) - 1;
    }

    /** The number of ids one worker can issue per tick. */
    public long idsPerTick() {
        return 1L << sequenceBits;
    }

    /** The ceiling of one worker without borrowing from the future. */
    public double idsPerSecondPerWorker() {
        return idsPerTick() * 1000.0 / tickMillis;
    }

    /** How long after its epoch the layout runs out of timestamp bits. */
    public Duration lifetime() {
        return Duration.ofMillis((1L << timestampBits) * tickMillis);
    }

    /** The largest timestamp value, in ticks since the epoch. */
    long maxTick() {
        return (1L << timestampBits) - 1;
    }
}
