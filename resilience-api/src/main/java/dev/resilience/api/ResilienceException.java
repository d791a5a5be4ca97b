package dev.resilience.api;

import java.time.Duration;
import java.util.Optional;

/**
 * The unchecked exception of every runtime failure in the library, with a stable
 * {@linkplain #code() code} and, where known, how long to wait before trying again.
 *
 * <pre>{@code
 * try {
 *     breaker.call(() -> gateway.charge(order));
 * } catch (ResilienceException e) {
 *     log.warn("{}: {}", e.code(), e.getMessage());
 *     e.retryAfter().ifPresent(wait -> response.setHeader("Retry-After", wait.toSeconds() + 1));
 * }
 * }</pre>
 *
 * <p>Rejections on hot paths (rate limited, circuit open) are built without a stack trace: they
 * are expected outcomes, and a stack trace would cost microseconds per rejected call. Their
 * message is formatted only when it is read.
 */
public class ResilienceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Marks an unknown retry-after. */
    protected static final long UNKNOWN = -1;

    private final ErrorCode code;
    private final long retryAfterNanos;

    /** An exception with a code and a message, with a stack trace. */
    public ResilienceException(ErrorCode code, String message) {
        this(code, message, null, UNKNOWN, true);
    }

    /** An exception with a code, a message and a cause, with a stack trace. */
    public ResilienceException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, UNKNOWN, true);
    }

    /**
     * The full constructor.
     *
     * @param retryAfterNanos how long until a retry may succeed, or a negative value if unknown
     * @param stackTrace false for expected rejections on hot paths
     */
    protected ResilienceException(ErrorCode code, String message, Throwable cause, long retryAfterNanos,
            boolean stackTrace) {
        super(message, cause, stackTrace, stackTrace);
        if (code == null) {
            throw new IllegalArgumentException("code must not be null");
        }
        this.code = code;
        this.retryAfterNanos = retryAfterNanos < 0 ? UNKNOWN : retryAfterNanos;
    }

    /** The stable machine-readable code. */
    public final ErrorCode code() {
        return code;
    }

    /** How long to wait before a retry may succeed, when the policy knows it. */
    public final Optional<Duration> retryAfter() {
        long nanos = retryAfterNanos();
        return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }

    /**
     * {@link #retryAfter()} in nanoseconds, or -1 if unknown; allocation-free. A subclass whose
     * wait is only known when it is read (say, the time left until a breaker's next probe) may
     * override this; {@link #retryAfter()} follows it.
     */
    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + code + "]: " + getMessage();
    }
}
