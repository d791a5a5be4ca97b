package dev.resilience.cache;

/**
 * A write-through write or delete failed in the store (the cause) with a checked exception; the
 * cache was left unchanged. Unchecked exceptions of the store reach the caller as they are.
 *
 * <pre>{@code
 * try {
 *     users.put(42L, user);
 * } catch (CacheWriteException e) {
 *     log.warn("user 42 not saved", e.getCause());
 * }
 * }</pre>
 */
public final class CacheWriteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failed write, with the store's exception as the cause. */
    public CacheWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
