package dev.resilience.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    sealed interface Event permits Opened, Closed {
    }

    record Opened(String name) implements Event {
    }

    record Closed(String name) implements Event {
    }

    @Test
    void deliversToEveryListenerInOrderUntilUnsubscribed() {
        EventPublisher<Event> events = new EventPublisher<>("breaker");
        List<String> seen = new ArrayList<>();
        assertThat(events.hasListeners()).isFalse();

        Subscription first = events.subscribe(e -> seen.add("1:" + e));
        events.subscribe(e -> seen.add("2:" + e));
        events.publish(new Opened("a"));
        first.close();
        first.close();
        events.publish(new Closed("a"));

        assertThat(seen).containsExactly("1:Opened[name=a]", "2:Opened[name=a]", "2:Closed[name=a]");
        assertThat(events.hasListeners()).isTrue();
    }

    @Test
    void aThrowingListenerNeverBreaksTheCallerOrTheOtherListeners() {
        EventPublisher<Event> events = new EventPublisher<>("breaker");
        List<Event> seen = new ArrayList<>();
        events.subscribe(e -> {
            throw new IllegalStateException("listener bug");
        });
        events.subscribe(seen::add);

        events.publish(new Opened("a"));
        events.publish(new Opened("b"));

        assertThat(seen).hasSize(2);
        assertThat(events.listenerFailures()).isEqualTo(2);
    }

    @Test
    void typedSubscriptionsSeeOnlyTheirType() {
        EventPublisher<Event> events = new EventPublisher<>("breaker");
        List<Closed> closed = new ArrayList<>();
        events.subscribe(Closed.class, closed::add);

        events.publish(new Opened("a"));
        events.publish(new Closed("b"));

        assertThat(closed).containsExactly(new Closed("b"));
    }
}
