package dev.resilience.breaker;

import java.time.Duration;
import java.util.Optional;

/**
 * Availability figures from a breaker's own history. A period is <em>up</em> while the breaker
 * lets calls flow ({@link CircuitBreaker.State#isUp()}) and <em>down</em> otherwise; a trip ends
 * an up period, a recovery ends a down period.
 *
 * <pre>{@code
 * Availability lastHour = breaker.availability(Duration.ofHours(1));
 * lastHour.meanTimeToRecovery().ifPresent(mttr -> gauge("payments.mttr_seconds", mttr.toSeconds()));
 * }</pre>
 *
 * @param trips up periods that ended in a trip
 * @param recoveries down periods that ended in a recovery
 * @param upTime the total up time, the current period included
 * @param downTime the total down time, the current period included
 * @param meanTimeToFailureNanos MTTF: the mean up period ending in a trip, or -1 without a trip
 * @param meanTimeToRecoveryNanos MTTR: the mean down period ending in a recovery, or -1 without a recovery
 * @param availability MTTF / (MTTF + MTTR) when both are known; otherwise the share of up time
 *         (1 for a breaker that never tripped)
 */
public record Availability(long trips, long recoveries, Duration upTime, Duration downTime,
        long meanTimeToFailureNanos, long meanTimeToRecoveryNanos, double availability) {

    /** MTTF, if the breaker tripped. */
    public Optional<Duration> meanTimeToFailure() {
        return meanTimeToFailureNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(meanTimeToFailureNanos));
    }

    /** MTTR, if the breaker recovered. */
    public Optional<Duration> meanTimeToRecovery() {
        return meanTimeToRecoveryNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(meanTimeToRecoveryNanos));
    }
}
