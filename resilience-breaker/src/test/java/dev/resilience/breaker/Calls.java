package dev.resilience.breaker;

import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.io.UncheckedIOException;

/** Helpers that make calls through a breaker and say what happened. */
final class Calls {

    enum Outcome { SUCCEEDED, FAILED, REJECTED }

    private Calls() {
    }

    static Outcome succeed(CircuitBreaker breaker) {
        try {
            breaker.call(() -> "ok");
            return Outcome.SUCCEEDED;
        } catch (CircuitOpenException e) {
            return Outcome.REJECTED;
        }
    }

    static Outcome fail(CircuitBreaker breaker) {
        try {
            breaker.call(() -> {
                throw new UncheckedIOException(new IOException("boom"));
            });
            throw new AssertionError("the failing call returned");
        } catch (CircuitOpenException e) {
            return Outcome.REJECTED;
        } catch (UncheckedIOException e) {
            return Outcome.FAILED;
        }
    }

    /** A successful call that takes {@code duration} on the manual clock. */
    static Outcome slow(CircuitBreaker breaker, ManualClock clock, Duration duration) {
        try {
            breaker.call(() -> {
                clock.advance(duration);
                return "ok";
            });
            return Outcome.SUCCEEDED;
        } catch (CircuitOpenException e) {
            return Outcome.REJECTED;
        }
    }

    static void repeat(int times, Runnable call) {
        for (int i = 0; i < times; i++) {
            call.run();
        }
    }
}
