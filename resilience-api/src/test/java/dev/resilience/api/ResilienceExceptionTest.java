package dev.resilience.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResilienceExceptionTest {

    @Test
    void carriesItsCodeAndCause() {
        IllegalStateException cause = new IllegalStateException("down");
        ResilienceException e = new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "no answer in 2s", cause);

        assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE);
        assertThat(e).hasMessage("no answer in 2s").hasCause(cause);
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.retryAfterNanos()).isEqualTo(-1);
        assertThat(e.getStackTrace()).isNotEmpty();
        assertThat(e.toString()).contains("[REDIS_UNAVAILABLE]");
    }

    @Test
    void rejectionsCarryRetryAfterAndNoStackTrace() {
        RateLimitedException e = new RateLimitedException("api", 1_500_000_000L);

        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(e.code().isRejection()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofMillis(1_500));
        assertThat(e.source()).isEqualTo("api");
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e).hasMessage("rate limited by 'api'; retry after PT1.5S");
    }

    @Test
    void circuitOpenWithoutAKnownProbeTimeSaysSo() {
        CircuitOpenException e = new CircuitOpenException("payments", -1);

        assertThat(e.code()).isEqualTo(ErrorCode.CIRCUIT_OPEN);
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e).isInstanceOf(RejectedException.class).hasMessage("circuit open: 'payments'");
    }

    @Test
    void lockNotAcquiredReportsTheWait() {
        LockNotAcquiredException e = new LockNotAcquiredException("order:42", Duration.ofSeconds(2), -1);

        assertThat(e.code()).isEqualTo(ErrorCode.LOCK_NOT_ACQUIRED);
        assertThat(e.waited()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e).hasMessage("lock not acquired after PT2S: 'order:42'");
    }

    @Test
    void onlyRefusalsAreRejectionCodes() {
        assertThat(ErrorCode.CIRCUIT_OPEN.isRejection()).isTrue();
        assertThat(ErrorCode.LOCK_NOT_ACQUIRED.isRejection()).isTrue();
        assertThat(ErrorCode.TIMEOUT.isRejection()).isFalse();
        assertThat(ErrorCode.LOCK_LOST.isRejection()).isFalse();
    }
}
