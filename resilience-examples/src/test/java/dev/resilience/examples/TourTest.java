package dev.resilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TourTest {

    @Test
    void everyStopRunsWithoutFailure() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int failed;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            failed = Tour.run(out);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertThat(failed).as(output).isZero();
        assertThat(output)
                .contains("== Rate limiting", "== Circuit breaker and retry", "== Caching", "== Locks", "== Unique ids")
                .contains("tour finished")
                .doesNotContain("FAILED");
    }
}
