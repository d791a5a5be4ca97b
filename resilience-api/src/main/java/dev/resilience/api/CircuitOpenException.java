package dev.resilience.api;

/**
 * A circuit breaker refused the call ({@link ErrorCode#CIRCUIT_OPEN}); {@link #retryAfter()} is
 * the time until the next probe may be admitted.
 *
 * <pre>{@code
 * catch (CircuitOpenException e) {
 *     return cachedQuote(); // the downstream is known to be failing; don't add load
 * }
 * }</pre>
 */
public class CircuitOpenException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param breaker the breaker's name
     * @param retryAfterNanos time until the next probe is admitted, or negative if unknown (forced open)
     */
    public CircuitOpenException(String breaker, long retryAfterNanos) {
        super(ErrorCode.CIRCUIT_OPEN, breaker, retryAfterNanos, false);
    }

    @Override
    protected String describe() {
        return "circuit open:";
    }
}
