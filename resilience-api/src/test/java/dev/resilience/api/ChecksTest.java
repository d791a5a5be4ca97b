package dev.resilience.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.internal.Checks;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {

    @Test
    void everyFailureNamesTheParameterAndTheValue() {
        assertThatThrownBy(() -> Checks.positive("capacity", -5L)).hasMessage("capacity must be positive but was -5");
        assertThatThrownBy(() -> Checks.positive("threads", 0)).hasMessage("threads must be positive but was 0");
        assertThatThrownBy(() -> Checks.positive("rate", Double.NaN)).hasMessage("rate must be positive and finite but was NaN");
        assertThatThrownBy(() -> Checks.positive("rate", Double.POSITIVE_INFINITY))
                .hasMessage("rate must be positive and finite but was Infinity");
        assertThatThrownBy(() -> Checks.nonNegative("initial", -1L)).hasMessage("initial must not be negative but was -1");
        assertThatThrownBy(() -> Checks.inRange("threshold", 101.0, 0, 100))
                .hasMessage("threshold must be between 0.0 and 100.0 but was 101.0");
        assertThatThrownBy(() -> Checks.inRange("bits", 70, 1, 63)).hasMessage("bits must be between 1 and 63 but was 70");
        assertThatThrownBy(() -> Checks.positive("wait", Duration.ZERO)).hasMessage("wait must be positive but was PT0S");
        assertThatThrownBy(() -> Checks.notNull("clock", null)).hasMessage("clock must not be null");
        assertThatThrownBy(() -> Checks.notBlank("name", "")).hasMessage("name must not be blank but was \"\"");
    }

    @Test
    void failuresAreIllegalArgumentExceptions() {
        assertThatThrownBy(() -> Checks.positive("capacity", 0L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Checks.notNull("clock", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
