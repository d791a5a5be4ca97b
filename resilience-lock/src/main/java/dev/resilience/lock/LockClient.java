package dev.resilience.lock;

import dev.resilience.api.Backoff;
import dev.resilience.api.Clock;
import dev.resilience.api.EventSource;
import dev.resilience.api.Scheduler;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.List;

/**
 * The entry point to locks: one per application and Redis deployment. It owns the connections,
 * one notification channel (with a local registry of waiters, not a subscription per lock) and
 * the renewal watchdog, which runs on the library's own timer ({@link Scheduler#shared()}).
 *
 * <pre>{@code
 * try (LockClient locks = LockClient.redis("redis://localhost:6379")
 *         .leaseTime(Duration.ofSeconds(30))
 *         .build()) {
 *     try (LockLease lease = locks.lock("order:42").acquire(Duration.ofSeconds(2))) {
 *         store.write(order, lease.fencingToken());
 *     }
 * }
 * }</pre>
 *
 * <p>Variants: {@link #redis(String...)} with one URI is a single-node lock; with several
 * independent masters it is a quorum lock (Redlock: granted on a majority within the lease's
 * validity, released on all; see the README for what that does and does not guarantee).
 * {@link #inProcess()} is the same API for one JVM.
 *
 * <p>Keys: {@code <prefix>{<name>}} holds the token of the current holder (and expires with the
 * lease); {@code <prefix>{<name>}:fence} is the lock's fencing counter, which is kept after
 * release so tokens keep increasing.
 */
public interface LockClient extends EventSource<LockEvent>, AutoCloseable {

    /** The lock called {@code name}; names are case-sensitive and may contain any characters but braces. */
    DistributedLock lock(String name);

    /** Releases nothing that is held (leases expire by themselves), stops renewals, closes connections. */
    @Override
    void close();

    /**
     * A client on one Redis master ({@code redis://host:port}), or a quorum lock over several
     * independent masters.
     */
    static Builder redis(String... uris) {
        Checks.notNull("uris", uris);
        if (uris.length == 0) {
            throw new IllegalArgumentException("uris must name at least one Redis but was empty");
        }
        for (String uri : uris) {
            Checks.notBlank("uri", uri);
        }
        return new Builder(List.of(uris));
    }

    /** A client whose locks live in this JVM: the same API, leases, fencing and renewal. */
    static Builder inProcess() {
        return new Builder(List.of());
    }

    /** Builds a {@link LockClient}; every setter validates at once. */
    final class Builder {
        private final List<String> uris;
        private Duration leaseTime = Duration.ofSeconds(30);
        private boolean autoRenew = true;
        private Duration renewEvery;
        private Duration driftMargin;
        private SafetyLevel safety = SafetyLevel.SINGLE_NODE;
        private int replicas = -1;
        private Duration replicationTimeout = Duration.ofMillis(500);
        private String keyPrefix = "lock:";
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Backoff pollBackoff = Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(250))
                .withJitter(Backoff.Jitter.EQUAL);
        private Clock clock = Clock.system();
        private Scheduler scheduler = Scheduler.shared();

        private Builder(List<String> uris) {
            this.uris = uris;
        }

        /** How long a lease lasts without renewal (the Redis TTL); default 30 s, at least 10 ms. */
        public Builder leaseTime(Duration leaseTime) {
            Checks.positive("leaseTime", leaseTime);
            if (leaseTime.toMillis() < 10) {
                throw new IllegalArgumentException("leaseTime must be at least 10ms but was " + leaseTime);
            }
            this.leaseTime = leaseTime;
            return this;
        }

        /** Whether the watchdog extends held leases (default true); without it a lease simply expires. */
        public Builder autoRenew(boolean autoRenew) {
            this.autoRenew = autoRenew;
            return this;
        }

        /**
         * How often the watchdog extends held leases (and looks for deadlines coming before its
         * next tick); default a third of the lease time.
         */
        public Builder renewEvery(Duration renewEvery) {
            this.renewEvery = Checks.positive("renewEvery", renewEvery);
            return this;
        }

        /**
         * Subtracted from every local deadline to cover clock drift and timer lateness; default
         * 1% of the lease time plus 2 ms (the Redlock rule).
         */
        public Builder driftMargin(Duration driftMargin) {
            this.driftMargin = Checks.nonNegative("driftMargin", driftMargin);
            return this;
        }

        /** The safety level; default {@link SafetyLevel#SINGLE_NODE}. */
        public Builder safety(SafetyLevel safety) {
            this.safety = Checks.notNull("safety", safety);
            return this;
        }

        /** Replicas that must acknowledge an acquire under {@link SafetyLevel#REPLICATED} (default 1). */
        public Builder replicas(int replicas) {
            this.replicas = Checks.nonNegative("replicas", replicas);
            return this;
        }

        /** How long {@code WAIT} waits for the replicas; default 500 ms. */
        public Builder replicationTimeout(Duration replicationTimeout) {
            this.replicationTimeout = Checks.positive("replicationTimeout", replicationTimeout);
            return this;
        }

        /** Prefix of every key and of the notification channel; default {@code "lock:"}. */
        public Builder keyPrefix(String keyPrefix) {
            Checks.notNull("keyPrefix", keyPrefix);
            if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException("keyPrefix must not contain braces but was \"" + keyPrefix + '"');
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** How long any Redis command may take before the call fails with {@code REDIS_UNAVAILABLE}; default 2 s. */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = Checks.positive("commandTimeout", commandTimeout);
            return this;
        }

        /** The fallback poll between attempts while waiting (a release notification ends a pause early). */
        public Builder pollBackoff(Backoff pollBackoff) {
            this.pollBackoff = Checks.notNull("pollBackoff", pollBackoff);
            return this;
        }

        /**
         * The clock of leases and waits; default {@link Clock#system()}. With a {@code ManualClock}
         * (and its scheduler) tests drive lease expiry and renewal; a blocking acquire still parks
         * for real between attempts, so such tests use {@code tryAcquire()}.
         */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /** The timer of the watchdog; default {@link Scheduler#shared()}, the library's own daemon thread. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Checks.notNull("scheduler", scheduler);
            return this;
        }

        /**
         * Connects and returns the client.
         *
         * @throws IllegalArgumentException if the settings contradict each other
         * @throws dev.resilience.api.ResilienceException ({@code REDIS_UNAVAILABLE}) if a Redis cannot be reached
         */
        public LockClient build() {
            long lease = leaseTime.toNanos();
            long renew = renewEvery != null ? renewEvery.toNanos() : lease / 3;
            if (renew >= lease) {
                throw new IllegalArgumentException("renewEvery must be shorter than leaseTime (" + leaseTime
                        + ") but was " + Duration.ofNanos(renew));
            }
            long drift = driftMargin != null ? driftMargin.toNanos() : lease / 100 + 2_000_000L;
            if (drift >= lease) {
                throw new IllegalArgumentException("driftMargin must be shorter than leaseTime (" + leaseTime
                        + ") but was " + Duration.ofNanos(drift));
            }
            int needed = replicas >= 0 ? replicas : (safety == SafetyLevel.REPLICATED ? 1 : 0);
            if (uris.isEmpty() && (safety != SafetyLevel.SINGLE_NODE || needed > 0)) {
                throw new IllegalArgumentException("safety must be SINGLE_NODE for an in-process client but was "
                        + safety + " with " + needed + " replicas");
            }
            if (safety == SafetyLevel.SINGLE_NODE && needed > 0) {
                throw new IllegalArgumentException("replicas must be 0 with SINGLE_NODE safety but was " + needed);
            }
            Settings settings = new Settings(keyPrefix, lease, autoRenew, renew, drift, safety, needed,
                    replicationTimeout.toNanos(), commandTimeout.toNanos(), pollBackoff, clock, scheduler);
            LockStore store;
            if (uris.isEmpty()) {
                store = new LocalLockStore(clock);
            } else if (uris.size() == 1) {
                store = RedisLockStore.connect(uris.get(0), settings, null);
            } else {
                store = QuorumLockStore.connect(uris, settings);
            }
            return new DefaultLockClient(settings, store);
        }
    }
}

