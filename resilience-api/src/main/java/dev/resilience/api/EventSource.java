package dev.resilience.api;

/**
 * Something that publishes events to listeners: every limiter, breaker, retry and cache.
 *
 * <pre>{@code
 * breaker.subscribe(CircuitBreakerEvent.StateTransition.class,
 *         t -> log.info("{} -> {}", t.from(), t.to()));
 * }</pre>
 *
 * @param <E> the root type of the events published
 */
public interface EventSource<E> {

    /** Delivers every future event to {@code listener} until the subscription is closed. */
    Subscription subscribe(EventListener<? super E> listener);

    /** Delivers the future events of one type. */
    default <T extends E> Subscription subscribe(Class<T> type, EventListener<? super T> listener) {
        if (type == null || listener == null) {
            throw new IllegalArgumentException("type and listener must not be null");
        }
        return subscribe(event -> {
            if (type.isInstance(event)) {
                listener.onEvent(type.cast(event));
            }
        });
    }
}
