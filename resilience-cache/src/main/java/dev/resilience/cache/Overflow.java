package dev.resilience.cache;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** How every write-behind mode waits for room in a full buffer, by its {@link OverflowPolicy}. */
final class Overflow {

    private Overflow() {
    }

    /**
     * Tries {@code attempt} (a non-null answer means there was room): once under
     * {@link OverflowPolicy#REJECT}, and under {@link OverflowPolicy#BLOCK} again every
     * {@code pollNanos} on the clock until the block timeout has passed.
     *
     * <pre>{@code
     * String id = Overflow.awaitRoom(config, clock, key, POLL_NANOS, rejected, () -> appendUnlessFull(key));
     * }</pre>
     *
     * @throws WriteBufferFullException when there was no room (counted in {@code rejected})
     */
    static <T> T awaitRoom(WriteBehindConfig config, Clock clock, Object key, long pollNanos, LongAdder rejected,
            Supplier<T> attempt) {
        long deadline = clock.nanoTime() + config.blockTimeout().toNanos();
        for (;;) {
            T answer = attempt.get();
            if (answer != null) {
                return answer;
            }
            if (config.overflow() != OverflowPolicy.BLOCK || clock.nanoTime() - deadline >= 0) {
                rejected.increment();
                throw new WriteBufferFullException(config.name());
            }
            try {
                clock.sleep(Math.min(pollNanos, deadline - clock.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while waiting for room to write " + key, e);
            }
        }
    }
}
