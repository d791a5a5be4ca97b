package dev.resilience.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnowflakeLayoutTest {

    @Test
    void presetsHaveTheDocumentedBudgetAndCeiling() {
        assertThat(SnowflakeLayout.CLASSIC.totalBits()).isEqualTo(63);
        assertThat(SnowflakeLayout.CLASSIC.idsPerSecondPerWorker()).isEqualTo(4_096_000.0);
        assertThat(SnowflakeLayout.CLASSIC.maxWorkerId()).isEqualTo(1023);
        assertThat(SnowflakeLayout.CLASSIC.lifetime().toDays()).isEqualTo(25_451); // 69.7 years
        assertThat(SnowflakeLayout.JS_SAFE.totalBits()).isEqualTo(53);
        assertThat(SnowflakeLayout.SECONDS.lifetime().toDays() / 365).isEqualTo(136);
        assertThat(SnowflakeLayout.SECONDS.idsPerSecondPerWorker()).isEqualTo(2_097_152.0);
    }

    @Test
    void rejectsABudgetOverTheSignBitNamingEveryWidth() {
        assertThatThrownBy(() -> new SnowflakeLayout(42, 10, 12, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 63").hasMessageContaining("42 + 10 + 12 = 64");
        assertThatThrownBy(() -> new SnowflakeLayout(0, 10, 12, 1)).hasMessageContaining("timestampBits");
        assertThatThrownBy(() -> new SnowflakeLayout(41, -1, 12, 1)).hasMessageContaining("workerIdBits");
        assertThatThrownBy(() -> new SnowflakeLayout(41, 10, 0, 1)).hasMessageContaining("sequenceBits");
        assertThatThrownBy(() -> new SnowflakeLayout(41, 10, 12, 0)).hasMessageContaining("tickMillis must be positive but was 0");
        assertThatThrownBy(() -> new SnowflakeLayout(55, 0, 8, 1L << 20)).hasMessageContaining("overflows");
    }

    @Test
    void builderFailsFastWhenTheLayoutEndsTooSoon() {
        ManualClock clock = new ManualClock(); // 2026-01-01
        // The 1970 epoch with 41 bits ends in 2039: fine for 10 years, not for 20.
        Snowflake.Builder builder = Snowflake.builder().workerId(1).epoch(Instant.EPOCH).clock(clock);
        assertThat(builder.minYearsLeft(10).build().endsAt()).isEqualTo(Instant.parse("2039-09-07T15:47:35.552Z"));
        assertThatThrownBy(() -> builder.minYearsLeft(20).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends at 2039-09-07").hasMessageContaining("minYearsLeft=20");
        // A layout that has already ended (the well-known one that went negative in 2024).
        assertThatThrownBy(() -> Snowflake.builder().workerId(1).clock(clock).minYearsLeft(0)
                .layout(new SnowflakeLayout(39, 12, 12, 1)).epoch(Instant.parse("2007-01-01T00:00:00Z")).build())
                .hasMessageContaining("ends at 2024-");
    }

    @Test
    void builderRejectsBadSettingsNamingThem() {
        ManualClock clock = new ManualClock();
        assertThatThrownBy(() -> Snowflake.builder().clock(clock).build()).hasMessageContaining("workerId must be set");
        assertThatThrownBy(() -> Snowflake.builder().workerId(1024).clock(clock).build())
                .hasMessageContaining("workerId must be between 0 and 1023").hasMessageContaining("1024");
        assertThatThrownBy(() -> Snowflake.builder().workerId(-1)).hasMessageContaining("workerId must not be negative but was -1");
        assertThatThrownBy(() -> Snowflake.builder().workerId(1).clock(clock).epoch(Instant.parse("2030-01-01T00:00:00Z")).build())
                .hasMessageContaining("epoch must not be in the future");
        assertThatThrownBy(() -> Snowflake.builder().maxBorrowAhead(Duration.ofMillis(-1)))
                .hasMessageContaining("maxBorrowAhead");
        assertThatThrownBy(() -> Snowflake.builder().workerIdFrom("resilience.test.no.such.variable"))
                .hasMessageContaining("resilience.test.no.such.variable");
    }

    @Test
    void workerIdComesFromConfiguration() {
        System.setProperty("resilience.test.worker", " 42 ");
        try {
            assertThat(Snowflake.builder().workerIdFrom("resilience.test.worker").clock(new ManualClock()).build().workerId())
                    .isEqualTo(42);
            System.setProperty("resilience.test.worker", "forty-two");
            assertThatThrownBy(() -> Snowflake.builder().workerIdFrom("resilience.test.worker"))
                    .hasMessageContaining("must be a number but was \"forty-two\"");
        } finally {
            System.clearProperty("resilience.test.worker");
        }
    }
}
