package dev.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FairShareTest {

    private final ManualClock clock = new ManualClock();
    private final FairShare share = FairShare.builder().rate(1000, Duration.ofSeconds(1)).capacity(100)
            .tenant("gold", 3).tenant("free", 1).clock(clock).build();

    /** Every millisecond for {@code seconds}, each flooding tenant asks until refused; returns grants. */
    private long[] flood(int seconds, RateLimiter... tenants) {
        long[] granted = new long[tenants.length];
        for (int ms = 0; ms < seconds * 1000; ms++) {
            boolean any = true;
            while (any) {
                any = false;
                for (int i = 0; i < tenants.length; i++) {
                    if (tenants[i].tryAcquire()) {
                        granted[i]++;
                        any = true;
                    }
                }
            }
            clock.advanceMillis(1);
        }
        return granted;
    }

    @Test
    void twoFloodingTenantsWeighted3To1Get3To1() {
        long[] granted = flood(100, share.tenant("gold"), share.tenant("free"));
        double ratio = granted[0] / (double) granted[1];
        assertThat(ratio).as("gold %d vs free %d", granted[0], granted[1]).isCloseTo(3.0, org.assertj.core.data.Percentage.withPercentage(0.2));
        assertThat(granted[0] + granted[1]).as("together, the full rate plus the bursts").isBetween(100_000L, 100_102L);
    }

    @Test
    void oneTenantAloneGetsTheFullRate() {
        long[] granted = flood(100, share.tenant("free"));
        assertThat(granted[0]).as("work-conserving: gold's idle share goes to free").isBetween(99_900L, 100_102L);
    }

    @Test
    void aTenantWithinItsWeightIsServedWhileAnotherFloods() {
        RateLimiter gold = share.tenant("gold");
        RateLimiter free = share.tenant("free");
        long goldGranted = 0;
        long goldAsked = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            if (ms % 2 == 0) { // gold asks 500 per second, within its 750
                goldAsked++;
                goldGranted += gold.tryAcquire() ? 1 : 0;
            }
            while (free.tryAcquire()) {
                // free floods
            }
            clock.advanceMillis(1);
        }
        assertThat(goldGranted).isEqualTo(goldAsked);
    }

    @Test
    void tenantsAreNamedAndValidated() {
        assertThat(share.tenants()).containsExactly("gold", "free");
        assertThat(share.tenant("gold").name()).isEqualTo("gold");
        assertThatThrownBy(() -> share.tenant("bronze")).hasMessageContaining("'bronze' is not a tenant");
        assertThatThrownBy(() -> FairShare.builder().tenant("a", 1).tenant("a", 2)).hasMessageContaining("already added");
        assertThatThrownBy(() -> FairShare.builder().tenant("a", 0)).hasMessageContaining("weight must be between 1");
        assertThatThrownBy(() -> FairShare.builder().tenant("a", 1).build()).hasMessage("rate must be set");
        assertThatThrownBy(() -> FairShare.builder().rate(1, Duration.ofSeconds(1)).build())
                .hasMessage("tenants must not be empty");
        assertThatThrownBy(() -> share.tenant("gold").reconfigure(share.tenant("gold").config()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
