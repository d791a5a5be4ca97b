package dev.resilience.cache;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;

/**
 * A write-through write or delete failed in the store (the cause) with a checked exception; the
 * cache was left unchanged. Unchecked exceptions of the store reach the caller as they are.
 *
 * <pre>{@code
 * try {
 *     users.put(42L, user);
 * } catch (CacheWriteException e) {                 // e.code() == ErrorCode.CACHE_WRITE_FAILED
 *     log.warn("user 42 not saved", e.getCause());
 * }
 * }</pre>
 */
public final class CacheWriteException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    /** A failed write, with the store's exception as the cause. */
    public CacheWriteException(String message, Throwable cause) {
        super(ErrorCode.CACHE_WRITE_FAILED, message, cause);
    }
}
