package dev.resilience.idgen;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;
import java.time.Duration;

/**
 * The settings every Redis-backed builder of this module shares.
 *
 * @param <B> the concrete builder, returned by each setter
 */
abstract class RedisBuilder<B extends RedisBuilder<B>> {

    String keyPrefix = "resilience:idgen";
    Duration commandTimeout = Duration.ofSeconds(2);
    Clock clock = Clock.system();

    abstract B self();

    /** The key prefix; default {@code resilience:idgen}. */
    public B keyPrefix(String keyPrefix) {
        this.keyPrefix = Checks.notBlank("keyPrefix", keyPrefix);
        return self();
    }

    /**
     * How long one Redis call may take; default 2 s. Connecting is bounded by the client's own
     * timeouts ({@code RedisURI} timeout, {@code SocketOptions} connect timeout).
     */
    public B commandTimeout(Duration timeout) {
        this.commandTimeout = Checks.positive("commandTimeout", timeout);
        return self();
    }

    /** The clock that times leases and measures consumption; default {@link Clock#system()}. */
    public B clock(Clock clock) {
        this.clock = Checks.notNull("clock", clock);
        return self();
    }
}
