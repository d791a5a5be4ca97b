package dev.resilience.lock;

/**
 * What happened to a lock held through a {@link LockClient}, delivered to its listeners.
 *
 * <pre>{@code
 * locks.subscribe(event -> {
 *     if (event.kind() == LockEvent.Kind.LOST) alerts.raise(event.name());
 * });
 * }</pre>
 *
 * @param kind what happened
 * @param name the lock's name
 * @param fencingToken the acquisition's fencing token
 * @param wallMillis when, on the client's wall clock
 */
public record LockEvent(Kind kind, String name, long fencingToken, long wallMillis) {

    /** The kinds of lock events. */
    public enum Kind {
        /** A new acquisition (not a re-entry) was granted. */
        ACQUIRED,
        /** The watchdog extended a held lease. */
        RENEWED,
        /** A renewal could not reach Redis; the lease stays valid until its local deadline. */
        RENEWAL_FAILED,
        /** The lease was lost: expired, taken over, or not renewed before its deadline. */
        LOST,
        /** The last hold was closed and the lock released. */
        RELEASED
    }
}
