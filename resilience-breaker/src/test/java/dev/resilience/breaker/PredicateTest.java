package dev.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class PredicateTest {

    private final ManualClock clock = new ManualClock();

    private CircuitBreakerConfig.Builder config() {
        return CircuitBreakerConfig.builder().clock(clock).slidingWindow(SlidingWindow.countBased(10, 10))
                .minimumNumberOfCalls(10);
    }

    private static void callThrowing(CircuitBreaker breaker, Exception e) {
        assertThatThrownBy(() -> breaker.call(() -> {
            throw e;
        })).as("the call's own exception reaches the caller unchanged").isSameAs(e);
    }

    @Test
    void recordedTypesAreFailuresOthersSuccessesIgnoredTypesNeither() {
        CircuitBreaker breaker = CircuitBreaker.of("p", config()
                .recordExceptions(IOException.class)
                .recordIf(e -> e.getMessage() != null && e.getMessage().contains("timeout"))
                .ignoreExceptions(FileNotFoundException.class).build());
        callThrowing(breaker, new IOException("io"));
        callThrowing(breaker, new FileNotFoundException("ignored although an IOException"));
        callThrowing(breaker, new IllegalStateException("not recorded: a success"));
        callThrowing(breaker, new IllegalStateException("read timeout"));
        CircuitBreakerMetrics m = breaker.metrics();
        assertThat(m.failedCalls()).isEqualTo(2);
        assertThat(m.successfulCalls()).isEqualTo(1);
        assertThat(m.ignoredCalls()).isEqualTo(1);
        assertThat(m.windowCalls()).isEqualTo(3);
    }

    @Test
    void ignorePredicateWinsOverRecord() {
        CircuitBreaker breaker = CircuitBreaker.of("p", config().ignoreIf(e -> e instanceof TimeoutException).build());
        callThrowing(breaker, new TimeoutException());
        assertThat(breaker.metrics().ignoredCalls()).isEqualTo(1);
        assertThat(breaker.metrics().failedCalls()).isZero();
    }

    @Test
    void aResultPredicateCountsA503AsAFailureWithoutAnException() {
        CircuitBreaker breaker = CircuitBreaker.of("p", config()
                .failureIfResult(r -> r instanceof Integer && (Integer) r >= 500).build());
        for (int i = 0; i < 5; i++) {
            assertThat(breaker.call(() -> 503)).isEqualTo(503);
            assertThat(breaker.call(() -> 200)).isEqualTo(200);
        }
        assertThat(breaker.metrics().failedCalls()).isEqualTo(5);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
