package dev.resilience.breaker;

import static dev.resilience.breaker.DefaultCircuitBreaker.IGNORED;
import static dev.resilience.breaker.DefaultCircuitBreaker.SUCCESS;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A permit of the public API: settled exactly once, tagged with its phase. */
final class BreakerPermit implements CircuitBreaker.Permit {
    private static final VarHandle SETTLED;

    static {
        try {
            SETTLED = MethodHandles.lookup().findVarHandle(BreakerPermit.class, "settled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DefaultCircuitBreaker breaker;
    private final Phase phase;
    private final int slot;
    private final long startNanos;
    @SuppressWarnings("unused") // through SETTLED
    private volatile int settled;

    BreakerPermit(DefaultCircuitBreaker breaker, Phase phase, int slot, long startNanos) {
        this.breaker = breaker;
        this.phase = phase;
        this.slot = slot;
        this.startNanos = startNanos;
    }

    private boolean first() {
        return SETTLED.compareAndSet(this, 0, 1);
    }

    @Override
    public boolean onSuccess() {
        return first() && breaker.settle(phase, slot, startNanos, SUCCESS);
    }

    @Override
    public boolean onResult(Object result) {
        return first() && breaker.settle(phase, slot, startNanos, breaker.judgeResult(phase, result));
    }

    @Override
    public boolean onError(Throwable error) {
        return first() && breaker.settle(phase, slot, startNanos, breaker.judgeError(phase, error));
    }

    @Override
    public boolean cancel() {
        // A cancelled trial call reports "no outcome", so its round can still end.
        return first() && (slot < 0 || breaker.settleTrial(phase, slot, IGNORED, false, phase.clock.nanoTime()));
    }
}
