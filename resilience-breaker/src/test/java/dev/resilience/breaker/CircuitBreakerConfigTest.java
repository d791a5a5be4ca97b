package dev.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CircuitBreakerConfigTest {

    private static void rejects(UnaryOperator<CircuitBreakerConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(CircuitBreakerConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void everyParameterIsValidatedAndNamed() {
        rejects(b -> b.slidingWindow(null), "slidingWindow must not be null");
        rejects(b -> b.minimumNumberOfCalls(0), "minimumNumberOfCalls must be positive but was 0");
        rejects(b -> b.slidingWindow(SlidingWindow.countBased(10)).minimumNumberOfCalls(11),
                "minimumNumberOfCalls must be at most the count window's size (10) but was 11");
        rejects(b -> b.failureRateThreshold(0), "failureRateThreshold must be above 0 and at most 100 but was 0.0");
        rejects(b -> b.failureRateThreshold(100.5), "failureRateThreshold must be above 0 and at most 100 but was 100.5");
        rejects(b -> b.failureRateThreshold(Double.NaN), "failureRateThreshold must be above 0 and at most 100 but was NaN");
        rejects(b -> b.slowCallThreshold(Duration.ofMillis(1), -1),
                "slowCallRateThreshold must be above 0 and at most 100 but was -1.0");
        rejects(b -> b.slowCallThreshold(Duration.ofMillis(-1), 50), "slowCallDuration must not be negative but was PT-0.001S");
        rejects(b -> b.slowCallThreshold(null, 50), "slowCallDuration must not be null");
        rejects(b -> b.combinedRateThreshold(101), "combinedRateThreshold must be above 0 and at most 100 but was 101.0");
        rejects(b -> b.consecutiveFailures(-1), "consecutiveFailures must not be negative but was -1");
        rejects(b -> b.waitInOpen(Duration.ZERO), "waitInOpen must be positive but was PT0S");
        rejects(b -> b.exponentialWait(0.5, Duration.ofMinutes(1)), "waitMultiplier must be finite and at least 1.0 but was 0.5");
        rejects(b -> b.exponentialWait(2, Duration.ofSeconds(1)),
                "maxWaitInOpen must be at least waitInOpen (PT1M) but was PT1S");
        rejects(b -> b.permittedCallsInHalfOpen(0), "permittedCallsInHalfOpen must be between 1 and 1000 but was 0");
        rejects(b -> b.probeTimeout(Duration.ZERO), "probeTimeout must be positive but was PT0S");
        rejects(b -> b.failureIfResult(null), "failureIfResult must not be null");
        rejects(b -> b.openForResult(null), "openForResult must not be null");
        rejects(b -> b.clock(null), "clock must not be null");
        rejects(b -> b.recordExceptions(String.class), "recordExceptions must list Throwable types but listed class java.lang.String");
        rejects(b -> b.ignoreExceptions((Class<?>) null), "ignoreExceptions must list Throwable types but listed null");
        rejects(b -> b.recordIf(null), "recordIf must not be null");
        rejects(b -> b.ignoreIf(null), "ignoreIf must not be null");
    }

    @Test
    void defaultsAreDocumented() {
        CircuitBreakerConfig d = CircuitBreakerConfig.defaults();
        assertThat(d.slidingWindow()).isEqualTo(SlidingWindow.countBased(100));
        assertThat(d.minimumNumberOfCalls()).isEqualTo(100);
        assertThat(d.failureRateThreshold()).isEqualTo(50);
        assertThat(d.slowCallDuration()).isZero();
        assertThat(d.waitInOpen()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.maxWaitInOpen()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.permittedCallsInHalfOpen()).isEqualTo(10);
        assertThat(d.probeTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(CircuitBreakerConfig.builder().slidingWindow(SlidingWindow.countBased(20)).build()
                .minimumNumberOfCalls()).as("capped at a smaller count window").isEqualTo(20);
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        ManualClock clock = new ManualClock();
        CircuitBreakerConfig base = CircuitBreakerConfig.builder().clock(clock).failureRateThreshold(30)
                .recordExceptions(IOException.class).build();
        CircuitBreakerConfig changed = base.toBuilder().failureRateThreshold(70).build();
        assertThat(changed.failureRateThreshold()).isEqualTo(70);
        assertThat(changed.clock()).isSameAs(clock);
        assertThat(changed.recordIf()).isSameAs(base.recordIf());
    }
}
