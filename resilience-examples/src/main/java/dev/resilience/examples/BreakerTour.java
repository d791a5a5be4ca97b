package dev.resilience.examples;

import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.Decorators;
import dev.resilience.api.ManualClock;
import dev.resilience.breaker.CircuitBreaker;
import dev.resilience.breaker.CircuitBreakerConfig;
import dev.resilience.breaker.CircuitBreakerEvent;
import dev.resilience.breaker.Retry;
import dev.resilience.breaker.RetryConfig;
import dev.resilience.breaker.RetryEvent;
import dev.resilience.breaker.SlidingWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The tour's stop for resilience-breaker: trip, reject with retry-after, recover; then a retry. */
final class BreakerTour implements TourStop {

    @Override
    public String title() {
        return "Circuit breaker and retry (resilience-breaker)";
    }

    @Override
    public void run(Context context) {
        ManualClock clock = new ManualClock(); // the tour moves time itself: no sleeping
        CircuitBreaker breaker = CircuitBreaker.of("payments", CircuitBreakerConfig.builder()
                .slidingWindow(SlidingWindow.countBased(10))
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitInOpen(Duration.ofSeconds(30))
                .permittedCallsInHalfOpen(2)
                .clock(clock)
                .build());
        breaker.subscribe(CircuitBreakerEvent.StateTransition.class,
                t -> context.say("%s: %s -> %s (%s)", t.breakerName(), t.from(), t.to(), t.reason()));

        boolean[] downstreamUp = {true};
        Supplier<String> charge = Decorators.ofSupplier(() -> {
            if (!downstreamUp[0]) {
                throw new UncheckedIOException(new IOException("gateway timeout"));
            }
            return "receipt";
        }).with(breaker).decorate();

        context.say("a good call: %s; ten minutes pass, then the gateway starts timing out", charge.get());
        clock.advance(Duration.ofMinutes(10));
        downstreamUp[0] = false;
        for (int i = 0; i < 4; i++) { // with the good call: 4 of 5 failed, 80 % >= 50 %
            try {
                charge.get();
            } catch (UncheckedIOException e) {
                // recorded by the breaker
            }
        }
        try {
            charge.get();
            throw new AssertionError("an open breaker let a call through");
        } catch (CircuitOpenException e) {
            context.say("rejected at once, no call made: %s [%s]", e.getMessage(), e.code());
        }

        clock.advance(Duration.ofSeconds(30));
        downstreamUp[0] = true;
        context.say("30 s later the gateway is back; two trial calls decide:");
        String first = charge.get();
        String second = charge.get();
        context.say("trial results: %s, %s", first, second);
        if (breaker.state() != CircuitBreaker.State.CLOSED) {
            throw new AssertionError("the breaker did not recover: " + breaker.state());
        }
        context.say("availability so far: %.3f (MTTF %s, MTTR %s)", breaker.availability().availability(),
                breaker.availability().meanTimeToFailure().orElseThrow(),
                breaker.availability().meanTimeToRecovery().orElseThrow());

        Retry retry = Retry.of("quotes", RetryConfig.builder().maxAttempts(4).clock(clock).build());
        retry.subscribe(RetryEvent.Retrying.class,
                r -> context.say("attempt %d failed (%s), retrying in %d ms", r.attempt(), r.error().getMessage(),
                        r.delay().toMillis()));
        AtomicInteger attempts = new AtomicInteger();
        String quote = retry.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("blip " + attempts.get());
            }
            return "quote after " + attempts.get() + " attempts";
        });
        context.say("%s; %s", quote, retry.metrics());
    }
}
