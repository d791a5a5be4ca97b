package dev.resilience.cache;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;

/**
 * A cache could not produce a value: the load failed ({@link ErrorCode#CACHE_LOAD_FAILED}, with
 * the store's exception as the cause), took longer than the load timeout
 * ({@link ErrorCode#TIMEOUT}), or the waiting thread was interrupted ({@link ErrorCode#INTERRUPTED}).
 *
 * <pre>{@code
 * try {
 *     return cache.get(id);
 * } catch (CacheLoadException e) {
 *     if (e.code() == ErrorCode.TIMEOUT) { return placeholder(); }
 *     throw e;
 * }
 * }</pre>
 */
public final class CacheLoadException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    /** A failure with its code, message and cause. */
    public CacheLoadException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
