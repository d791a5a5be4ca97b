package dev.resilience.breaker;

import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.Clock;
import dev.resilience.api.EventListener;
import dev.resilience.api.EventPublisher;
import dev.resilience.api.Subscription;
import dev.resilience.api.ThrowingSupplier;
import dev.resilience.api.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker. Its state, generation and configuration are one immutable {@link Phase}
 * swapped by CAS, so a call reads everything it needs with one volatile read, and an outcome
 * carries the generation it was admitted in (a stale one is not counted).
 */
final class DefaultCircuitBreaker implements CircuitBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);
    private static final VarHandle PHASE;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(DefaultCircuitBreaker.class, "phase", Phase.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final int SUCCESS = 0;
    static final int FAILURE = 1;
    static final int IGNORED = 2;

    private final String name;
    private volatile Phase phase;
    private final EventPublisher<CircuitBreakerEvent> events;
    private final LongAdder notPermitted = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final AtomicLong consecutiveFailures = new AtomicLong();
    private final History history;
    /** The last exception recorded as a failure, for the trip's log line; written racily. */
    private volatile Throwable lastError;

    DefaultCircuitBreaker(String name, CircuitBreakerConfig config) {
        this.name = name;
        this.events = new EventPublisher<>("circuit breaker '" + name + "'");
        long now = config.clock().nanoTime();
        this.phase = new Phase(name, State.CLOSED, 0, config, new Window(config.slidingWindow(), now, null, this::judgeWindow), 0, 0);
        this.history = new History(now);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public State state() {
        return phase.state;
    }

    @Override
    public CircuitBreakerConfig config() {
        return phase.config;
    }

    @Override
    public Subscription subscribe(EventListener<? super CircuitBreakerEvent> listener) {
        return events.subscribe(listener);
    }

    // ---------------------------------------------------------------- calls

    @Override
    public <T, X extends Throwable> T call(ThrowingSupplier<? extends T, X> call) throws X {
        Phase p = phase;
        if (!p.recording) {
            return callGuarded(p, call);
        }
        // CLOSED (or METRICS_ONLY): no permit object, no allocation; the clock only if needed.
        long start = p.slowNanos > 0 ? p.clock.nanoTime() : 0L;
        T result;
        try {
            result = call.get();
        } catch (Throwable e) {
            settle(p, -1, start, judgeError(p, e));
            throw e;
        }
        settle(p, -1, start, judgeResult(p, result));
        return result;
    }

    private <T, X extends Throwable> T callGuarded(Phase p, ThrowingSupplier<? extends T, X> call) throws X {
        if (p.state == State.DISABLED) {
            return call.get();
        }
        BreakerPermit permit = admit(p);
        T result;
        try {
            result = call.get();
        } catch (Throwable e) {
            permit.onError(e);
            throw e;
        }
        permit.onResult(result);
        return result;
    }

    @Override
    public <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> call) {
        Checks.notNull("call", call);
        BreakerPermit permit;
        try {
            permit = admit(phase);
        } catch (CircuitOpenException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (Throwable e) {
            permit.onError(e);
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        // The permit is settled when the call completes, or earlier if the caller cancels the
        // returned stage or it times out (orTimeout): whichever comes first counts.
        stage.whenComplete((value, error) -> {
            settleAsync(permit, value, error);
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(error);
            }
        });
        result.whenComplete((value, error) -> {
            if (error != null && settleAsync(permit, null, error) && stage instanceof Future) {
                ((Future<?>) stage).cancel(true);
            }
        });
        return result;
    }

    private static boolean settleAsync(BreakerPermit permit, Object value, Throwable error) {
        if (error == null) {
            return permit.onResult(value);
        }
        Throwable cause = unwrap(error);
        return cause instanceof CancellationException ? permit.cancel() : permit.onError(cause);
    }

    /** The cause inside the wrappers a stage adds ({@link CompletionException}, {@link ExecutionException}). */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    // ---------------------------------------------------------------- permits

    @Override
    public Optional<Permit> tryAcquirePermission() {
        try {
            return Optional.of(admit(phase));
        } catch (CircuitOpenException e) {
            return Optional.empty();
        }
    }

    @Override
    public Permit acquirePermission() {
        return admit(phase);
    }

    /** Admits one call or throws the refusing phase's (preallocated) rejection. */
    private BreakerPermit admit(Phase p) {
        for (;; p = phase) {
            State state = p.state;
            // OPEN first, with plain comparisons: the rejection path is one volatile read (the
            // phase), one clock read and a counter.
            if (state == State.OPEN) {
                long now = p.clock.nanoTime();
                if (now < p.probeAtNanos) {
                    throw reject(p);
                }
                // The wait is over: the first caller to get here starts a trial round.
                transition(p, p.next(State.HALF_OPEN, 0, p.failedRounds), "the wait in OPEN passed", now);
            } else if (state == State.HALF_OPEN) {
                long now = p.clock.nanoTime();
                int slot = p.trial.admit(now);
                if (slot >= 0) {
                    return new BreakerPermit(this, p, slot, now);
                }
                reapTimedOutProbes(p, now);
                if (phase == p) {
                    throw reject(p);
                }
            } else if (state == State.FORCED_OPEN) {
                throw reject(p);
            } else {
                return new BreakerPermit(this, p, -1, p.needsNow ? p.clock.nanoTime() : 0L);
            }
        }
    }

    private CircuitOpenException reject(Phase p) {
        notPermitted.increment();
        if (events.hasListeners()) {
            events.publish(new CircuitBreakerEvent.CallNotPermitted(name, p.state, p.clock.wallMillis()));
        }
        return p.rejection;
    }

    /** Counts trial calls that have not reported within the probe timeout as failed. */
    private void reapTimedOutProbes(Phase p, long now) {
        int timedOut = p.trial.reap(now, p.probeTimeoutNanos);
        for (int i = 0; i < timedOut; i++) {
            if (events.hasListeners()) {
                events.publish(new CircuitBreakerEvent.ProbeTimedOut(name, p.clock.wallMillis()));
            }
        }
        if (timedOut > 0) {
            LOG.warn("Circuit breaker '{}': {} trial call(s) did not report within {}; counted as failed", name,
                    timedOut, Duration.ofNanos(p.probeTimeoutNanos));
            if (p.trial.isComplete()) {
                decide(p, now);
            }
        }
    }

    // ---------------------------------------------------------------- outcomes

    int judgeError(Phase p, Throwable error) {
        CircuitBreakerConfig config = p.config;
        if (config.ignoreIf().test(error)) {
            return IGNORED;
        }
        if (config.recordIf().test(error)) {
            lastError = error;
            return FAILURE;
        }
        return SUCCESS;
    }

    int judgeResult(Phase p, Object result) {
        if (!p.inspectsResults) {
            return SUCCESS;
        }
        Duration openFor = p.config.openForResult().apply(result);
        if (openFor != null) {
            openFor(p, openFor, "result " + result);
            return FAILURE;
        }
        return p.config.failureIfResult().test(result) ? FAILURE : SUCCESS;
    }

    /**
     * Counts one outcome admitted in phase {@code p} (in trial {@code slot}, or -1 outside
     * half-open); false if it no longer counts (stale or already settled by a timeout).
     */
    boolean settle(Phase p, int slot, long start, int outcome) {
        if (p.state == State.DISABLED) {
            return phase.generation == p.generation;
        }
        if (outcome == IGNORED) {
            ignored.increment();
        }
        long now = p.needsNow ? p.clock.nanoTime() : 0L;
        boolean failed = outcome == FAILURE;
        boolean slow = outcome != IGNORED && p.slowNanos > 0 && now - start >= p.slowNanos;
        if (slot >= 0) {
            return settleTrial(p, slot, outcome, slow, now);
        }
        if (outcome == IGNORED || phase.generation != p.generation) {
            return outcome == IGNORED;
        }
        Window window = p.window;
        boolean maintain = window.record(window.cell(), failed, slow, now);
        if (p.consecutiveLimit > 0 && trackConsecutive(p, failed, now)) {
            return true;
        }
        if (maintain) {
            window.maintain(now);
        }
        return true;
    }

    /**
     * The window's judge: trips a closed breaker whose window crossed a threshold. Asks for the
     * next successes to be judged while the window holds failures or slow calls but fewer calls
     * than the minimum.
     */
    private boolean judgeWindow(long calls, long failed, long slow, long slowFailed, long now) {
        Phase p = phase;
        if (p.state != State.CLOSED) {
            return false;
        }
        int verdict = Window.Verdict.of(calls, failed, slow, slowFailed, p.config.minimumNumberOfCalls(), p.config);
        if (verdict != Window.Verdict.NONE) {
            trip(p, reason(verdict, p.config, calls, failed, slow, slowFailed), p.needsNow ? now : p.clock.nanoTime());
            return false;
        }
        return calls < p.config.minimumNumberOfCalls() && failed + slow > 0;
    }

    /** True if the run of failures tripped the breaker. */
    private boolean trackConsecutive(Phase p, boolean failed, long now) {
        if (!failed) {
            // read first: a success does not write a shared line unless a run is being broken
            if (consecutiveFailures.get() != 0) {
                consecutiveFailures.set(0);
            }
            return false;
        }
        if (consecutiveFailures.incrementAndGet() >= p.consecutiveLimit && p.state == State.CLOSED) {
            trip(p, p.consecutiveLimit + " consecutive failures", p.clock.nanoTime());
            return true;
        }
        return false;
    }

    /** Counts a trial call's outcome and ends the round when it was the last; false if stale or too late. */
    boolean settleTrial(Phase p, int slot, int outcome, boolean slow, long now) {
        boolean current = phase.generation == p.generation;
        if (!p.trial.settle(slot, outcome, slow)) {
            return false;
        }
        if (outcome != IGNORED) {
            p.window.recordTrial(outcome == FAILURE, slow);
        }
        if (p.trial.isComplete()) {
            decide(p, now);
        }
        return current;
    }

    /** Every trial call of the round has reported: close, open again, or start another round. */
    private void decide(Phase p, long now) {
        Trial trial = p.trial;
        long judged = trial.judged();
        if (judged == 0) {
            transition(p, p.next(State.HALF_OPEN, 0, p.failedRounds), "no trial call was judged", now);
            return;
        }
        int verdict = Window.Verdict.of(judged, trial.failures.get(), trial.slow.get(), trial.slowFailures.get(), 1,
                p.config);
        if (verdict == Window.Verdict.NONE) {
            if (transition(p, p.next(State.CLOSED, 0, 0), "trial calls: " + trial, now)) {
                consecutiveFailures.set(0);
            }
        } else {
            int rounds = p.failedRounds + 1;
            transition(p, p.next(State.OPEN, now + p.waitNanos(rounds), rounds),
                    reason(verdict, p.config, trial.judged(), trial.failures.get(), trial.slow.get(),
                            trial.slowFailures.get()) + " in trial calls: " + trial, now);
        }
    }

    private void trip(Phase p, String reason, long now) {
        transition(p, p.next(State.OPEN, now + p.waitNanos(0), 0), reason, now);
    }

    private static String reason(int verdict, CircuitBreakerConfig config, long calls, long failed, long slow,
            long slowFailed) {
        String rates = String.format("failure rate %.1f%%, slow-call rate %.1f%% over %d calls",
                failed * 100.0 / calls, slow * 100.0 / calls, calls);
        switch (verdict) {
            case Window.Verdict.FAILURE_RATE:
                return rates + "; failure rate threshold " + config.failureRateThreshold() + "%";
            case Window.Verdict.SLOW_CALL_RATE:
                return rates + "; slow-call rate threshold " + config.slowCallRateThreshold() + "% (calls of "
                        + config.slowCallDuration() + " or more)";
            default:
                return rates + "; failed-or-slow rate " + String.format("%.1f%%", (failed + slow - slowFailed) * 100.0 / calls)
                        + " reached the combined threshold " + config.combinedRateThreshold() + "%";
        }
    }

    // ---------------------------------------------------------------- transitions

    /** Moves from {@code from} to {@code to} if nobody else moved first; true if this call did. */
    private boolean transition(Phase from, Phase to, String reason, long now) {
        if (!PHASE.compareAndSet(this, from, to)) {
            return false;
        }
        if (to.state == State.CLOSED || to.state == State.METRICS_ONLY && from.state != State.CLOSED) {
            to.window.clear(now);
        }
        history.record(now, to.state.isUp());
        if (to.state == State.OPEN && from.state == State.CLOSED) {
            Throwable last = lastError;
            LOG.warn("Circuit breaker '{}' opened for {}: {}; last error: {}", name,
                    Duration.ofNanos(to.probeAtNanos - now), reason, last == null ? "none" : last.toString());
        } else if (to.state == State.OPEN && from.state == State.HALF_OPEN) {
            LOG.warn("Circuit breaker '{}' stays open for {}: {}", name, Duration.ofNanos(to.probeAtNanos - now),
                    reason);
        } else if (LOG.isInfoEnabled()) {
            LOG.info("Circuit breaker '{}': {} -> {} ({})", name, from.state, to.state, reason);
        }
        if (events.hasListeners()) {
            events.publish(new CircuitBreakerEvent.StateTransition(name, from.state, to.state, reason,
                    to.clock.wallMillis()));
        }
        return true;
    }

    /** Moves to {@code state} whatever the current state (manual switches). */
    private void force(State state, long waitNanos, int rounds, String reason) {
        for (;;) {
            Phase p = phase;
            long now = p.clock.nanoTime();
            if (transition(p, p.next(state, now + waitNanos, rounds), reason, now)) {
                return;
            }
        }
    }

    @Override
    public void transitionToForcedOpen() {
        force(State.FORCED_OPEN, 0, 0, "forced open");
    }

    @Override
    public void transitionToDisabled() {
        force(State.DISABLED, 0, 0, "disabled");
    }

    @Override
    public void transitionToMetricsOnly() {
        force(State.METRICS_ONLY, 0, 0, "metrics only");
    }

    @Override
    public void reset() {
        force(State.CLOSED, 0, 0, "reset");
        consecutiveFailures.set(0);
    }

    @Override
    public void openFor(Duration duration) {
        Checks.positive("duration", duration);
        force(State.OPEN, duration.toNanos(), phase.failedRounds, "opened for " + duration);
    }

    private void openFor(Phase p, Duration duration, String reason) {
        long now = p.clock.nanoTime();
        transition(p, p.next(State.OPEN, now + Math.max(0, duration.toNanos()), p.failedRounds),
                reason + " opened the breaker for " + duration, now);
    }

    @Override
    public void reconfigure(CircuitBreakerConfig config) {
        Checks.notNull("config", config);
        for (;;) {
            Phase p = phase;
            Window window = p.window.shape.equals(config.slidingWindow()) ? p.window
                    : new Window(config.slidingWindow(), config.clock().nanoTime(), p.window, this::judgeWindow);
            if (PHASE.compareAndSet(this, p, p.reconfigured(config, window))) {
                LOG.info("Circuit breaker '{}' reconfigured: {}", name, config);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- figures

    @Override
    public CircuitBreakerMetrics metrics() {
        Phase p = phase;
        long now = p.clock.nanoTime();
        if (p.state == State.HALF_OPEN) {
            reapTimedOutProbes(p, now);
            p = phase;
        }
        long[] w = p.window.snapshot(now);
        long calls = w[Window.CALLS];
        boolean judged = calls > 0 && calls >= p.config.minimumNumberOfCalls();
        return new CircuitBreakerMetrics(p.state,
                judged ? w[Window.FAILED] * 100.0 / calls : -1,
                judged ? w[Window.SLOW] * 100.0 / calls : -1,
                calls, w[Window.FAILED], w[Window.SLOW],
                w[Window.FIELDS + Window.CALLS] - w[Window.FIELDS + Window.FAILED],
                w[Window.FIELDS + Window.FAILED], w[Window.FIELDS + Window.SLOW],
                ignored.sum(), notPermitted.sum());
    }

    @Override
    public Availability availability() {
        return history.life(phase.clock.nanoTime());
    }

    @Override
    public Availability availability(Duration recent) {
        Checks.positive("recent", recent);
        return history.recent(phase.clock.nanoTime(), recent.toNanos());
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + name + ", " + phase.state + "]";
    }
}
