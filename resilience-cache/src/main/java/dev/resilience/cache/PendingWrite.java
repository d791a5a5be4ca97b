package dev.resilience.cache;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** The latest buffered write of a key: a value, or {@code null} for a delete. */
final class PendingWrite<V> {
    private static final int WAITING = 0;
    private static final int TAKEN = 1;
    private static final int SUPERSEDED = 2;
    /** A copy that marks its {@link PendingSlot} closed, holding the value last written. */
    private static final int CLOSED = 3;
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<PendingWrite> STATE =
            AtomicIntegerFieldUpdater.newUpdater(PendingWrite.class, "state");

    final V value;
    /** Where a durable write sits in its journal (a stream entry id); {@code null} in memory. */
    final String journalId;
    private volatile int state;

    PendingWrite(V value, String journalId) {
        this.value = value;
        this.journalId = journalId;
    }

    private PendingWrite(V value, String journalId, int state) {
        this(value, journalId);
        this.state = state;
    }

    /** The mark a {@link PendingSlot} is closed with: this write's value, in a state no writer or flusher acts on. */
    PendingWrite<V> closedCopy() {
        return new PendingWrite<>(value, journalId, CLOSED);
    }

    boolean closed() {
        return state == CLOSED;
    }

    /** Marks it as being written (again, after a failed close); false if a newer write already replaced it. */
    boolean take() {
        return STATE.compareAndSet(this, WAITING, TAKEN) || state == TAKEN;
    }

    /** Replaced by a newer write; true if it never reached the flusher (a coalesced write). */
    boolean supersede() {
        return STATE.compareAndSet(this, WAITING, SUPERSEDED);
    }
}
