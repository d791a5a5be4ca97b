package dev.resilience.cache;

import dev.resilience.api.Backoff;
import dev.resilience.api.internal.Checks;
import java.time.Duration;

/**
 * How a write-behind cache buffers and writes: validated when made.
 *
 * <pre>{@code
 * WriteBehindConfig writes = WriteBehindConfig.builder()
 *         .batchSize(500).maxDelay(Duration.ofMillis(200))
 *         .capacity(50_000).overflow(OverflowPolicy.BLOCK).blockTimeout(Duration.ofMillis(100))
 *         .maxAttempts(5).backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(5)))
 *         .build();
 * }</pre>
 *
 * @param name the buffer's name, in logs, dead-letter messages and rejections
 * @param batchSize the most keys written in one store call; a full batch is written at once
 * @param maxDelay the longest a buffered write waits for its batch to fill
 * @param capacity the most distinct keys buffered at once
 * @param overflow what a write for a new key does when the buffer is full
 * @param blockTimeout how long {@link OverflowPolicy#BLOCK} waits for room
 * @param maxAttempts store attempts of a batch (the first plus retries) before its writes are
 *        tried one by one, once each, and the failing ones dead-lettered
 * @param backoff the wait between attempts
 */
public record WriteBehindConfig(String name, int batchSize, Duration maxDelay, int capacity, OverflowPolicy overflow,
        Duration blockTimeout, int maxAttempts, Backoff backoff) {

    /** Validates every component. */
    public WriteBehindConfig {
        Checks.notBlank("name", name);
        Checks.positive("batchSize", batchSize);
        Checks.positive("maxDelay", maxDelay);
        Checks.positive("capacity", capacity);
        Checks.notNull("overflow", overflow);
        Checks.nonNegative("blockTimeout", blockTimeout);
        Checks.positive("maxAttempts", maxAttempts);
        Checks.notNull("backoff", backoff);
    }

    /** A builder with the defaults: batches of 100, 100 ms delay, 10 000 keys, BLOCK for 1 s, 3 attempts. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link WriteBehindConfig}; {@link #build()} validates.
     *
     * <pre>{@code
     * WriteBehindConfig.builder().batchSize(50).overflow(OverflowPolicy.REJECT).build();
     * }</pre>
     */
    public static final class Builder {
        private String name = "write-behind";
        private int batchSize = 100;
        private Duration maxDelay = Duration.ofMillis(100);
        private int capacity = 10_000;
        private OverflowPolicy overflow = OverflowPolicy.BLOCK;
        private Duration blockTimeout = Duration.ofSeconds(1);
        private int maxAttempts = 3;
        private Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10));

        Builder() {
        }

        /** The buffer's name, in logs and errors. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The most keys per store call. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** The longest a write waits for its batch to fill. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
            return this;
        }

        /** The most distinct keys buffered. */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /** What a write for a new key does when the buffer is full. */
        public Builder overflow(OverflowPolicy overflow) {
            this.overflow = overflow;
            return this;
        }

        /** How long {@link OverflowPolicy#BLOCK} waits for room before rejecting. */
        public Builder blockTimeout(Duration blockTimeout) {
            this.blockTimeout = blockTimeout;
            return this;
        }

        /** Store attempts per batch, the first included. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The wait between attempts. */
        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        /** The validated config. */
        public WriteBehindConfig build() {
            return new WriteBehindConfig(name, batchSize, maxDelay, capacity, overflow, blockTimeout, maxAttempts, backoff);
        }
    }
}
