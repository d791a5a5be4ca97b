package dev.resilience.idgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.Clock;
import dev.resilience.api.ManualClock;
import dev.resilience.testkit.Concurrently;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {

    private final ManualClock clock = new ManualClock();

    @Test
    void hasVersion7TheRfcVariantAndTheTimestamp() {
        UUID uuid = UuidV7.create(clock).next();
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(clock.wallMillis());
        assertThat(UuidV7.timestamp(uuid)).isEqualTo(clock.instant());
        assertThat(uuid.toString()).hasSize(36).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void decoderRejectsOtherVersions() {
        assertThatThrownBy(() -> UuidV7.unixMillis(UUID.randomUUID()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 4");
    }

    @Test
    void increasesWithinAMillisecondPastTheCounterAndAcrossAClockStepBack() {
        UuidV7 uuids = UuidV7.create(clock, new SecureRandom());
        UUID previous = uuids.next();
        for (int i = 0; i < 10_000; i++) { // more than a millisecond's counter holds
            if (i == 5_000) {
                clock.setWallMillis(clock.wallMillis() - 1_000);
            }
            UUID next = uuids.next();
            assertThat(next).isGreaterThan(previous);
            assertThat(next.toString()).isGreaterThan(previous.toString()); // sorts as text too
            previous = next;
        }
        assertThat(UuidV7.unixMillis(previous)).isGreaterThan(clock.wallMillis() + 1_000);
        clock.advanceMillis(2_000); // the clock overtakes the borrowed milliseconds: back to its own time
        assertThat(UuidV7.unixMillis(uuids.next())).isEqualTo(clock.wallMillis());
    }

    @Test
    void manyThreadsGetDistinctIncreasingUuids() {
        UuidV7 uuids = UuidV7.create(Clock.system());
        List<UUID[]> results = Concurrently.run(8, thread -> {
            UUID[] mine = new UUID[50_000];
            for (int i = 0; i < mine.length; i++) {
                mine[i] = uuids.next();
                if (i > 0 && mine[i].compareTo(mine[i - 1]) <= 0) {
                    throw new AssertionError(mine[i] + " after " + mine[i - 1]);
                }
            }
            return mine;
        }).valuesOrThrow();
        Set<UUID> all = new HashSet<>();
        results.forEach(r -> all.addAll(List.of(r)));
        assertThat(all).hasSize(8 * 50_000);
    }
}
