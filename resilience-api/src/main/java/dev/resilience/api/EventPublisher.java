package dev.resilience.api;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The listener list behind every {@link EventSource}: lock-free, copy-on-write, and safe
 * against listeners that throw.
 *
 * <p>On a hot path, build the event only when someone listens, so an instance with no listener
 * allocates nothing:
 *
 * <pre>{@code
 * if (events.hasListeners()) {
 *     events.publish(new Rejected(name, permits, clock.wallMillis()));
 * }
 * }</pre>
 *
 * <p>A listener that throws is caught: the caller never sees it, the first failure of each
 * listener is logged (at WARNING, through {@link System.Logger}, which an application can route
 * to SLF4J) and every failure is counted in {@link #listenerFailures()}.
 *
 * @param <E> the root event type
 */
public final class EventPublisher<E> implements EventSource<E> {

    private static final System.Logger LOG = System.getLogger(EventPublisher.class.getName());

    private final String owner;
    private final AtomicReference<Entry<E>[]> listeners = new AtomicReference<>(empty());
    private final AtomicLong failures = new AtomicLong();

    /** A publisher for the events of {@code owner} (named in the log when a listener fails). */
    public EventPublisher(String owner) {
        this.owner = owner;
    }

    @Override
    public Subscription subscribe(EventListener<? super E> listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        Entry<E> entry = new Entry<>(listener);
        listeners.updateAndGet(current -> {
            Entry<E>[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = entry;
            return next;
        });
        return () -> listeners.updateAndGet(current -> without(current, entry));
    }

    /** True if at least one listener is subscribed: check it before building an event. */
    public boolean hasListeners() {
        return listeners.get().length != 0;
    }

    /** Delivers {@code event} to every listener, in subscription order, in this thread. */
    public void publish(E event) {
        for (Entry<E> entry : listeners.get()) {
            try {
                entry.listener.onEvent(event);
            } catch (RuntimeException | Error e) {
                failures.incrementAndGet();
                if (entry.loggedFailure.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING,
                            "event listener " + entry.listener + " of " + owner + " threw on " + event
                                    + "; the caller is unaffected and further failures of this listener are only counted",
                            e);
                }
            }
        }
    }

    /** How many times a listener has thrown. */
    public long listenerFailures() {
        return failures.get();
    }

    private static <E> Entry<E>[] without(Entry<E>[] current, Entry<E> entry) {
        for (int i = 0; i < current.length; i++) {
            if (current[i] == entry) {
                Entry<E>[] next = Arrays.copyOf(current, current.length - 1);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                return next;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static <E> Entry<E>[] empty() {
        return (Entry<E>[]) new Entry<?>[0];
    }

    private static final class Entry<E> {
        final EventListener<? super E> listener;
        final AtomicBoolean loggedFailure = new AtomicBoolean();

        Entry(EventListener<? super E> listener) {
            this.listener = listener;
        }
    }
}
