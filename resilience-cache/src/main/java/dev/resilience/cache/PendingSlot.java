package dev.resilience.cache;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A key's buffered writes, from its first write after being clean until the flusher has written
 * its latest: the write-behind buffer's map holds it, and so does the cache in place of the
 * key's value, so a read finds the latest write through it.
 *
 * <p>A later write of a buffered key swaps {@link #latest} with one compare-and-set: no map
 * update and no cache update, which is what keeps a coalescing {@code put} to a lookup and a CAS.
 * The flusher {@linkplain #close closes} the slot with a compare-and-set on the write it has
 * written, so a write that lands in the meantime makes the close fail and is written next; a
 * write that finds the slot closed starts a new one.
 */
final class PendingSlot<V> extends LocalCache.Marker {

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PendingSlot, PendingWrite> LATEST =
            AtomicReferenceFieldUpdater.newUpdater(PendingSlot.class, PendingWrite.class, "latest");

    /** The latest write; once closed, a {@linkplain PendingWrite#closed() closed} copy of the write last written. */
    private volatile PendingWrite<V> latest;

    PendingSlot(PendingWrite<V> first) {
        this.latest = first;
    }

    /** The latest write, or {@code null} once the slot is closed. */
    PendingWrite<V> latest() {
        PendingWrite<V> write = latest;
        return write.closed() ? null : write;
    }

    /** What a read answers: the latest write's value, or once closed the value written ({@code null}: deleted). */
    V value() {
        return latest.value;
    }

    boolean closed() {
        return latest.closed();
    }

    /**
     * Makes {@code next} the latest write.
     *
     * @return the write it replaced, or {@code null} if the slot is closed and {@code next} must
     *         start a new one
     */
    PendingWrite<V> offer(PendingWrite<V> next) {
        for (;;) {
            PendingWrite<V> current = latest;
            if (current.closed()) {
                return null;
            }
            if (LATEST.compareAndSet(this, current, next)) {
                return current;
            }
        }
    }

    /** Closes the slot if {@code write} is still its latest; false if a newer write arrived (or it is closed). */
    boolean close(PendingWrite<V> write) {
        return latest == write && LATEST.compareAndSet(this, write, write.closedCopy());
    }
}
