package dev.resilience.api;

/**
 * A policy refused to start the call: the protected operation did not run. Its subclasses name
 * which policy refused; {@link ErrorCode#isRejection()} is true for their codes.
 *
 * <pre>{@code
 * try {
 *     decorated.get();
 * } catch (RejectedException e) {   // rate limited, circuit open, lock not acquired...
 *     return fallback();
 * }
 * }</pre>
 */
public abstract class RejectedException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final String source;

    /**
     * @param source the name of the instance that refused (limiter, breaker, lock key)
     * @param retryAfterNanos how long until the call may be admitted, or negative if unknown
     * @param stackTrace false on hot paths, where rejection is an expected outcome
     */
    protected RejectedException(ErrorCode code, String source, long retryAfterNanos, boolean stackTrace) {
        super(code, null, null, retryAfterNanos, stackTrace);
        this.source = source;
    }

    /** The name of the limiter, breaker or lock that refused. */
    public final String source() {
        return source;
    }

    /** Formatted on demand, so a rejection that is never logged costs no string building. */
    @Override
    public String getMessage() {
        StringBuilder message = new StringBuilder(describe()).append(" '").append(source).append('\'');
        retryAfter().ifPresent(wait -> message.append("; retry after ").append(wait));
        return message.toString();
    }

    /** A short description of the refusal, such as "rate limited by". */
    protected abstract String describe();
}
