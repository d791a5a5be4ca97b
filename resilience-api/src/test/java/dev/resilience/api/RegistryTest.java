package dev.resilience.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegistryTest {

    record Config(int limit) {
    }

    record Instance(String name, Config config) {
    }

    @Test
    void oneIsolatedInstancePerNameWithTheDefaultConfig() {
        Registry<Instance, Config> registry = Registry.of(new Config(10), Instance::new);

        Instance payments = registry.get("payments");
        Instance search = registry.get("search");

        assertThat(registry.get("payments")).isSameAs(payments);
        assertThat(search).isNotSameAs(payments);
        assertThat(payments.config()).isEqualTo(new Config(10));
        assertThat(registry.all()).containsOnlyKeys("payments", "search");
    }

    @Test
    void namedConfigsAreSharedAndTheFirstLookupWins() {
        Registry<Instance, Config> registry = Registry.of(new Config(10), Instance::new)
                .addConfig("strict", new Config(1));

        Instance tenant = registry.get("tenant-a", "strict");

        assertThat(tenant.config()).isEqualTo(new Config(1));
        assertThat(registry.get("tenant-a", new Config(99))).isSameAs(tenant);
        assertThat(registry.config("strict")).contains(new Config(1));
    }

    @Test
    void unknownConfigNamesAndBlankNamesAreRejected() {
        Registry<Instance, Config> registry = Registry.of(new Config(10), Instance::new);

        assertThatThrownBy(() -> registry.get("x", "missing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("configName 'missing' is not registered; known: []");
        assertThatThrownBy(() -> registry.get(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must not be blank but was \" \"");
    }

    @Test
    void removeForgetsTheInstanceAndPublishesEvents() {
        Registry<Instance, Config> registry = Registry.of(new Config(10), Instance::new);
        List<String> events = new ArrayList<>();
        registry.subscribe(e -> events.add(e.kind() + " " + e.name()));

        Instance first = registry.get("a");
        assertThat(registry.remove("a")).contains(first);
        assertThat(registry.find("a")).isEmpty();
        assertThat(registry.get("a")).isNotSameAs(first);

        assertThat(events).containsExactly("ADDED a", "REMOVED a", "ADDED a");
    }

    @Test
    void concurrentLookupsOfOneNameCreateOneInstance() throws InterruptedException {
        AtomicInteger created = new AtomicInteger();
        Registry<Instance, Config> registry = Registry.of(new Config(10), (name, config) -> {
            created.incrementAndGet();
            return new Instance(name, config);
        });
        Set seen = new Set();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int j = 0; j < 1_000; j++) {
                        seen.add(registry.get("shared"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(created).hasValue(1);
        assertThat(seen.identities()).hasSize(1);
    }

    /** Identity set, thread-safe. */
    static final class Set {
        private final ConcurrentHashMap<Integer, Boolean> ids = new ConcurrentHashMap<>();

        void add(Object o) {
            ids.put(System.identityHashCode(o), true);
        }

        java.util.Set<Integer> identities() {
            return ids.keySet();
        }
    }
}
