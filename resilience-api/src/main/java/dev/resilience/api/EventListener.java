package dev.resilience.api;

/**
 * Receives the events of one instance (a limiter, a breaker, a cache...). Listeners run in the
 * thread that caused the event, so they must be quick; one that throws never breaks the caller.
 *
 * <pre>{@code
 * breaker.subscribe(event -> metrics.counter("breaker." + event.getClass().getSimpleName()).increment());
 * }</pre>
 *
 * @param <E> the event type
 */
@FunctionalInterface
public interface EventListener<E> {

    /** Handles one event. */
    void onEvent(E event);
}
