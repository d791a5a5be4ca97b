package dev.resilience.cache;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.RejectedException;

/**
 * A write-behind buffer was full and its {@link OverflowPolicy} refused the write
 * ({@link ErrorCode#WRITE_BUFFER_FULL}): the write was not acknowledged and nothing was buffered,
 * so retrying it later is safe.
 *
 * <pre>{@code
 * try {
 *     cache.put(key, value);
 * } catch (WriteBufferFullException e) {
 *     return Response.status(503).build();
 * }
 * }</pre>
 */
public final class WriteBufferFullException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /** A refusal by the buffer named {@code source}. */
    public WriteBufferFullException(String source) {
        super(ErrorCode.WRITE_BUFFER_FULL, source, -1, false);
    }

    @Override
    protected String describe() {
        return "write refused: the buffer is full in";
    }
}
