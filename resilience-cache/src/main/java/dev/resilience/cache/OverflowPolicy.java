package dev.resilience.cache;

/**
 * What a write-behind cache does with a write for a new key when its buffer is full. Writes to a
 * key already buffered always coalesce into it and never overflow. (A durable write-behind
 * cache's buffer is its journal, where every write is an entry; it allows {@link #BLOCK} and
 * {@link #REJECT}.)
 *
 * <pre>{@code
 * WriteBehindConfig.builder().capacity(10_000).overflow(OverflowPolicy.BLOCK)
 *         .blockTimeout(Duration.ofMillis(50)).build();
 * }</pre>
 */
public enum OverflowPolicy {
    /** Wait for room up to the block timeout, then reject as {@link #REJECT} does. */
    BLOCK,
    /** Throw {@link WriteBufferFullException} ({@code WRITE_BUFFER_FULL}) at once; nothing is buffered. */
    REJECT,
    /** Write this one synchronously to the store, as write-through would, then cache it. */
    WRITE_THROUGH
}
