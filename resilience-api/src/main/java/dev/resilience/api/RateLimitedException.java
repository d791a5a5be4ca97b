package dev.resilience.api;

/**
 * A rate limiter refused the call ({@link ErrorCode#RATE_LIMITED}); {@link #retryAfter()} is the
 * exact time until the permits would be available, ready for an HTTP {@code Retry-After}.
 *
 * <pre>{@code
 * catch (RateLimitedException e) {
 *     response.status(429).header("Retry-After", e.retryAfter().map(d -> d.toSeconds() + 1).orElse(1L));
 * }
 * }</pre>
 */
public class RateLimitedException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param limiter the limiter's name
     * @param retryAfterNanos time until the requested permits are available, or negative if they never will be
     */
    public RateLimitedException(String limiter, long retryAfterNanos) {
        super(ErrorCode.RATE_LIMITED, limiter, retryAfterNanos, false);
    }

    @Override
    protected String describe() {
        return "rate limited by";
    }
}
