package dev.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AvailabilityTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker = CircuitBreaker.of("a",
            CircuitBreakerConfig.builder().clock(clock).build());

    @Test
    void aBreakerThatNeverTrippedIsFullyAvailable() {
        clock.advance(Duration.ofHours(1));
        Availability life = breaker.availability();
        assertThat(life.trips()).isZero();
        assertThat(life.meanTimeToFailure()).isEmpty();
        assertThat(life.meanTimeToRecovery()).isEmpty();
        assertThat(life.availability()).isEqualTo(1.0);
        assertThat(life.upTime()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void figuresOverLifeAndARecentWindowFromAScriptedHistory() {
        clock.advance(Duration.ofSeconds(90));
        breaker.openFor(Duration.ofMinutes(5));     // trip at 90 s
        clock.advance(Duration.ofSeconds(10));
        breaker.reset();                             // recovered at 100 s
        clock.advance(Duration.ofSeconds(90));
        breaker.transitionToForcedOpen();            // down at 190 s
        clock.advance(Duration.ofSeconds(5));
        breaker.openFor(Duration.ofSeconds(1));      // still down: no new trip
        clock.advance(Duration.ofSeconds(5));
        breaker.transitionToDisabled();              // up (calls flow) at 200 s
        clock.advance(Duration.ofSeconds(15));
        breaker.reset();                             // still up: no new recovery
        clock.advance(Duration.ofSeconds(15));       // now 230 s

        Availability life = breaker.availability();
        assertThat(life.trips()).isEqualTo(2);
        assertThat(life.recoveries()).isEqualTo(2);
        assertThat(life.meanTimeToFailure()).contains(Duration.ofSeconds(90));
        assertThat(life.meanTimeToRecovery()).contains(Duration.ofSeconds(10));
        assertThat(life.availability()).isEqualTo(0.9);
        assertThat(life.upTime()).isEqualTo(Duration.ofSeconds(210));
        assertThat(life.downTime()).isEqualTo(Duration.ofSeconds(20));

        Availability recent = breaker.availability(Duration.ofSeconds(50)); // [180 s, 230 s]
        assertThat(recent.trips()).isEqualTo(1);
        assertThat(recent.meanTimeToFailure()).as("the up period clipped to the window").contains(Duration.ofSeconds(10));
        assertThat(recent.meanTimeToRecovery()).contains(Duration.ofSeconds(10));
        assertThat(recent.availability()).isEqualTo(0.5);
        assertThat(recent.upTime()).isEqualTo(Duration.ofSeconds(40));
        assertThat(recent.downTime()).isEqualTo(Duration.ofSeconds(10));

        Availability calm = breaker.availability(Duration.ofSeconds(30));
        assertThat(calm.trips()).isZero();
        assertThat(calm.availability()).isEqualTo(1.0);
    }

    @Test
    void withoutARecoveryAvailabilityIsTheShareOfUpTime() {
        clock.advance(Duration.ofSeconds(30));
        breaker.transitionToForcedOpen();
        clock.advance(Duration.ofSeconds(10));
        Availability life = breaker.availability();
        assertThat(life.meanTimeToFailure()).contains(Duration.ofSeconds(30));
        assertThat(life.meanTimeToRecovery()).isEmpty();
        assertThat(life.availability()).isEqualTo(0.75);
    }

    @Test
    void theRecentWindowMustBePositive() {
        assertThatThrownBy(() -> breaker.availability(Duration.ZERO)).hasMessage("recent must be positive but was PT0S");
    }
}
