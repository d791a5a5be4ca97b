package dev.resilience.breaker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The up/down history of a breaker, for its {@link Availability} figures. Written only on state
 * changes (rare); lifetime figures are running totals, recent ones are computed from the last
 * {@value #KEPT} changes.
 */
final class History {

    private static final int KEPT = 10_000;

    private final ReentrantLock lock = new ReentrantLock();
    /** The retained changes, oldest first: {time, 1 if up else 0}. */
    private final ArrayDeque<long[]> changes = new ArrayDeque<>();
    /** The state from {@code baseTime} until the first retained change. */
    private long baseTime;
    private boolean baseUp = true;
    private boolean up = true;
    private long since;
    private long trips;
    private long recoveries;
    private long upBeforeTrips;
    private long downBeforeRecoveries;

    History(long now) {
        this.baseTime = now;
        this.since = now;
    }

    /** Records that the breaker is now up or down; a change within up (or within down) is no change. */
    void record(long now, boolean nowUp) {
        lock.lock();
        try {
            if (nowUp == up) {
                return;
            }
            if (up) {
                trips++;
                upBeforeTrips += now - since;
            } else {
                recoveries++;
                downBeforeRecoveries += now - since;
            }
            up = nowUp;
            since = now;
            changes.addLast(new long[] {now, nowUp ? 1 : 0});
            if (changes.size() > KEPT) {
                long[] oldest = changes.removeFirst();
                baseTime = oldest[0];
                baseUp = oldest[1] == 1;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The figures over the breaker's life. */
    Availability life(long now) {
        lock.lock();
        try {
            // every finished up period ended in a trip and every finished down period in a recovery
            long current = now - since;
            return figures(trips, recoveries, upBeforeTrips, downBeforeRecoveries,
                    upBeforeTrips + (up ? current : 0), downBeforeRecoveries + (up ? 0 : current));
        } finally {
            lock.unlock();
        }
    }

    /** The figures over {@code [now - recent, now]}, each period clipped to it. */
    Availability recent(long now, long recent) {
        lock.lock();
        try {
            long from = now - recent;
            long tripCount = 0;
            long recoveryCount = 0;
            long upBefore = 0;
            long downBefore = 0;
            long upTime = 0;
            long downTime = 0;
            long start = baseTime;
            boolean state = baseUp;
            for (long[] change : changes) {
                long end = change[0];
                long clipped = Math.max(0, end - Math.max(start, from));
                if (state) {
                    upTime += clipped;
                } else {
                    downTime += clipped;
                }
                if (end > from) {
                    if (state) {
                        tripCount++;
                        upBefore += clipped;
                    } else {
                        recoveryCount++;
                        downBefore += clipped;
                    }
                }
                start = end;
                state = change[1] == 1;
            }
            long clipped = Math.max(0, now - Math.max(start, from));
            if (state) {
                upTime += clipped;
            } else {
                downTime += clipped;
            }
            return figures(tripCount, recoveryCount, upBefore, downBefore, upTime, downTime);
        } finally {
            lock.unlock();
        }
    }

    private static Availability figures(long trips, long recoveries, long upBeforeTrips, long downBeforeRecoveries,
            long upTime, long downTime) {
        long mttf = trips > 0 ? upBeforeTrips / trips : -1;
        long mttr = recoveries > 0 ? downBeforeRecoveries / recoveries : -1;
        double availability;
        if (mttf >= 0 && mttr >= 0 && mttf + mttr > 0) {
            availability = (double) mttf / (mttf + mttr);
        } else if (upTime + downTime > 0) {
            availability = (double) upTime / (upTime + downTime);
        } else {
            availability = 1.0;
        }
        return new Availability(trips, recoveries, Duration.ofNanos(upTime), Duration.ofNanos(downTime), mttf, mttr,
                availability);
    }
}
