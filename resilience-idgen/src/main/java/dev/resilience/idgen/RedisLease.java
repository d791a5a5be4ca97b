package dev.resilience.idgen;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.Scheduler;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/** A worker id leased from Redis; see {@link RedisWorkerLease}. */
final class RedisLease implements WorkerLease {

    private static final System.Logger LOG = System.getLogger(RedisWorkerLease.class.getName());

    /**
     * KEYS: the lease and floor key bases (hash-tagged alike, so every slot key lives on their
     * node). ARGV: slots, first slot to try, token, TTL in ms, the claimant's wall clock in ms.
     * Prefers a free slot whose floor is below the claimant's clock (so a claimant whose clock is
     * behind does not inherit a slot it would have to wait for), else any free slot. Returns
     * {slot, floor or ''}, or {-1, ''} when every slot is leased.
     */
    static final RedisScript CLAIM = new RedisScript(ScriptOutputType.MULTI, String.join("\n",
            "local slots, start, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[5])",
            "for pass = 1, 2 do",
            "  for i = 0, slots - 1 do",
            "    local slot = (start + i) % slots",
            "    local floor = redis.call('GET', KEYS[2] .. slot)",
            "    if (pass == 2 or not floor or tonumber(floor) < now)",
            "        and redis.call('SET', KEYS[1] .. slot, ARGV[3], 'NX', 'PX', ARGV[4]) then",
            "      return {slot, floor or ''}",
            "    end",
            "  end",
            "end",
            "return {-1, ''}"));

    /**
     * KEYS: lease key, floor key. ARGV: token, TTL in ms ('0' releases), new floor ('' keeps it).
     * A renewal only raises the floor (it is an upper bound); a release sets the exact value.
     * Returns 1 if this token held the lease, else 0 (and changes nothing).
     */
    static final RedisScript RENEW = new RedisScript(ScriptOutputType.INTEGER, String.join("\n",
            "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end",
            "if ARGV[3] ~= '' and (ARGV[2] == '0'",
            "    or tonumber(ARGV[3]) > tonumber(redis.call('GET', KEYS[2]) or '-1')) then",
            "  redis.call('SET', KEYS[2], ARGV[3])",
            "end",
            "if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end",
            "return 1"));

    private final RedisWorkerLease.Settings settings;
    private final StatefulRedisConnection<String, String> connection;
    private final String token;
    private final long slot;
    private final long floor;
    private final String[] keys;
    private final long ttlMillis;
    private final long validityNanos;
    private final AtomicLong validUntilNanos;
    private final AtomicReference<Scheduler.Task> nextRenewal = new AtomicReference<>();
    private final AtomicLong renewals = new AtomicLong();
    private final AtomicLong failedRenewals = new AtomicLong();
    private volatile LongSupplier horizon;
    private volatile boolean lost;
    private volatile boolean closed;
    private volatile CompletableFuture<Boolean> lastRenewal = CompletableFuture.completedFuture(true);

    private RedisLease(RedisWorkerLease.Settings settings, StatefulRedisConnection<String, String> connection,
            String token, long slot, long floor, long sentNanos) {
        this.settings = settings;
        this.connection = connection;
        this.token = token;
        this.slot = slot;
        this.floor = floor;
        String base = base(settings);
        this.keys = new String[] {base + "lease:" + slot, base + "floor:" + slot};
        this.ttlMillis = settings.ttl().toMillis();
        // Redis starts the TTL after we sent the command; 90% of it leaves room for clock-rate drift.
        this.validityNanos = settings.ttl().toNanos() / 10 * 9;
        this.validUntilNanos = new AtomicLong(sentNanos + validityNanos);
    }

    private static String base(RedisWorkerLease.Settings settings) {
        return RedisSupport.base(settings.keyPrefix(), settings.namespace());
    }

    static RedisLease acquire(RedisWorkerLease.Settings settings) {
        StatefulRedisConnection<String, String> connection = RedisSupport.connect(settings.client(), "claim a worker id");
        try {
            String token = UUID.randomUUID().toString();
            String base = base(settings);
            long start = ThreadLocalRandom.current().nextLong(settings.slots());
            long sent = settings.clock().nanoTime();
            List<Object> reply = await(CLAIM.runAsync(connection, settings.commandTimeout(),
                    new String[] {base + "lease:", base + "floor:"}, String.valueOf(settings.slots()),
                    String.valueOf(start), token, String.valueOf(settings.ttl().toMillis()),
                    String.valueOf(settings.clock().wallMillis())), "claim a worker id");
            long slot = (Long) reply.get(0);
            if (slot < 0) {
                throw new ResilienceException(ErrorCode.IDS_EXHAUSTED, "all " + settings.slots()
                        + " worker ids of namespace " + settings.namespace() + " are leased");
            }
            String floor = (String) reply.get(1);
            RedisLease lease = new RedisLease(settings, connection, token, slot,
                    floor.isEmpty() ? Long.MIN_VALUE : Long.parseLong(floor), sent);
            lease.schedule(settings.renewEvery().toNanos());
            return lease;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static <T> T await(CompletableFuture<T> reply, String what) {
        try {
            return reply.join();
        } catch (CompletionException e) {
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "could not " + what + ": " + e.getCause(),
                    e.getCause());
        }
    }

    private void schedule(long delayNanos) {
        if (!closed) {
            nextRenewal.set(settings.scheduler().schedule(this::renewOnTimer, delayNanos));
        }
    }

    /** A renewal by the timer, which schedules the next one: sooner after a failure. */
    private void renewOnTimer() {
        renew().whenComplete((held, failure) -> {
            if (failure != null) {
                schedule(settings.renewEvery().toNanos() / 3);
            } else if (held) {
                schedule(settings.renewEvery().toNanos());
            }
        });
    }

    /**
     * Renews now, recording the generator's horizon plus the TTL as the floor. Completes with
     * false (and the lease is lost) if Redis no longer holds this lease.
     */
    CompletableFuture<Boolean> renew() {
        if (closed || lost) {
            return CompletableFuture.completedFuture(false);
        }
        long sent = settings.clock().nanoTime();
        LongSupplier generator = horizon;
        String newFloor = generator == null ? "" : String.valueOf(generator.getAsLong() + ttlMillis);
        CompletableFuture<Boolean> renewal = RENEW.<Long>runAsync(connection, settings.commandTimeout(), keys,
                token, String.valueOf(ttlMillis), newFloor).thenApply(held -> {
                    if (held != 1L) {
                        lost = true;
                        LOG.log(System.Logger.Level.ERROR, this + " was taken over or expired in Redis: no more ids");
                        return false;
                    }
                    renewals.incrementAndGet();
                    validUntilNanos.accumulateAndGet(sent + validityNanos, Math::max);
                    return true;
                });
        renewal.whenComplete((held, failure) -> {
            if (failure != null && !closed) {
                long failures = failedRenewals.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "could not renew " + this + " (failure " + failures
                        + "); ids stop if no renewal succeeds before the lease's deadline", failure);
            }
        });
        lastRenewal = renewal;
        return renewal;
    }

    /** The most recent renewal, for tests. */
    CompletableFuture<Boolean> lastRenewal() {
        return lastRenewal;
    }

    long renewals() {
        return renewals.get();
    }

    @Override
    public long workerId() {
        return slot;
    }

    @Override
    public long workerIdCount() {
        return settings.slots();
    }

    @Override
    public long floorMillis() {
        return floor;
    }

    @Override
    public boolean isValid() {
        return !lost && !closed && settings.clock().nanoTime() - validUntilNanos.get() < 0;
    }

    /**
     * Records the generator's horizon in Redis before it issues anything, so even a crash before
     * the first timed renewal leaves a floor above every id it issued.
     */
    @Override
    public void attach(LongSupplier issuedHorizonMillis) {
        if (horizon != null) {
            throw new IllegalStateException(this + " already serves a generator: one lease, one generator");
        }
        horizon = issuedHorizonMillis;
        if (!await(renew(), "record the floor of " + this)) {
            throw new ResilienceException(ErrorCode.WORKER_LEASE_LOST, this + " was lost before its generator started");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true; // the generator opens no new tick from here, so the horizon below is final
        Scheduler.Task task = nextRenewal.get();
        if (task != null) {
            task.cancel();
        }
        try {
            LongSupplier generator = horizon;
            await(RENEW.<Long>runAsync(connection, settings.commandTimeout(), keys, token, "0",
                    generator == null ? "" : String.valueOf(generator.getAsLong())), "release " + this);
        } catch (ResilienceException e) {
            // The key expires by itself, and the floor of the last renewal covers every id issued.
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; it will expire after its TTL", e);
        } finally {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return "worker lease " + slot + " of " + keys[0] + (lost ? " (lost)" : closed ? " (released)" : "");
    }
}
