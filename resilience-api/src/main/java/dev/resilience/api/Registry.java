package dev.resilience.api;

import dev.resilience.api.internal.Checks;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Named instances of one kind (breakers, limiters...) so each business domain or tenant gets its
 * own, isolated from the others, all made from shared configurations.
 *
 * <pre>{@code
 * Registry<CircuitBreaker, CircuitBreakerConfig> breakers =
 *         Registry.of(CircuitBreakerConfig.defaults(), CircuitBreaker::of);
 * breakers.addConfig("critical", strictConfig);
 * CircuitBreaker payments = breakers.get("payments", "critical");
 * CircuitBreaker search = breakers.get("search");           // the default config
 * }</pre>
 *
 * <p>An instance is created once per name, on first use; later lookups of the name return it
 * whatever config they pass. Thread-safe.
 *
 * @param <T> the instance type
 * @param <C> the configuration type
 */
public final class Registry<T, C> implements EventSource<Registry.Event<T>> {

    private final C defaultConfig;
    private final BiFunction<String, C, T> factory;
    private final ConcurrentHashMap<String, T> instances = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, C> configs = new ConcurrentHashMap<>();
    private final EventPublisher<Event<T>> events = new EventPublisher<>("registry");

    private Registry(C defaultConfig, BiFunction<String, C, T> factory) {
        this.defaultConfig = Checks.notNull("defaultConfig", defaultConfig);
        this.factory = Checks.notNull("factory", factory);
    }

    /**
     * A registry that makes instances with {@code factory(name, config)}.
     *
     * @param defaultConfig used when a lookup names no configuration
     */
    public static <T, C> Registry<T, C> of(C defaultConfig, BiFunction<String, C, T> factory) {
        return new Registry<>(defaultConfig, factory);
    }

    /** The instance named {@code name}, created with the default configuration if new. */
    public T get(String name) {
        return get(name, defaultConfig);
    }

    /** The instance named {@code name}, created with {@code config} if new. */
    public T get(String name, C config) {
        Checks.notBlank("name", name);
        Checks.notNull("config", config);
        T existing = instances.get(name);
        if (existing != null) {
            return existing;
        }
        boolean[] created = new boolean[1];
        T instance = instances.computeIfAbsent(name, n -> {
            created[0] = true;
            return Checks.notNull("instance made by the factory", factory.apply(n, config));
        });
        if (created[0] && events.hasListeners()) {
            events.publish(new Event<>(Event.Kind.ADDED, name, instance));
        }
        return instance;
    }

    /**
     * The instance named {@code name}, created with the configuration registered as
     * {@code configName} if new.
     *
     * @throws IllegalArgumentException if no configuration has that name
     */
    public T get(String name, String configName) {
        C config = configs.get(configName);
        if (config == null) {
            throw new IllegalArgumentException("configName '" + configName + "' is not registered; known: "
                    + new TreeMap<>(configs).keySet());
        }
        return get(name, config);
    }

    /** Registers a shared configuration under a name, for {@link #get(String, String)}. */
    public Registry<T, C> addConfig(String configName, C config) {
        configs.put(Checks.notBlank("configName", configName), Checks.notNull("config", config));
        return this;
    }

    /** The configuration registered as {@code configName}. */
    public Optional<C> config(String configName) {
        return Optional.ofNullable(configs.get(configName));
    }

    /** The configuration used when none is named. */
    public C defaultConfig() {
        return defaultConfig;
    }

    /** The instance named {@code name}, if it exists; never creates one. */
    public Optional<T> find(String name) {
        return Optional.ofNullable(instances.get(name));
    }

    /** Removes and returns the instance named {@code name}. */
    public Optional<T> remove(String name) {
        T removed = instances.remove(name);
        if (removed != null && events.hasListeners()) {
            events.publish(new Event<>(Event.Kind.REMOVED, name, removed));
        }
        return Optional.ofNullable(removed);
    }

    /** A snapshot of every instance by name, sorted by name. */
    public Map<String, T> all() {
        return new TreeMap<>(instances);
    }

    /** Notified when an instance is added or removed. */
    @Override
    public Subscription subscribe(EventListener<? super Event<T>> listener) {
        return events.subscribe(listener);
    }

    /**
     * An instance was added to or removed from a registry.
     *
     * @param kind added or removed
     * @param name the instance's name
     * @param instance the instance
     * @param <T> the instance type
     */
    public record Event<T>(Kind kind, String name, T instance) {
        /** What happened to the instance. */
        public enum Kind {
            /** Created on first lookup. */
            ADDED,
            /** Removed by {@link Registry#remove(String)}. */
            REMOVED
        }
    }
}
