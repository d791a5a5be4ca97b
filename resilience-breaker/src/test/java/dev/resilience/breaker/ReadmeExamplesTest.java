package dev.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resilience.api.Backoff;
import dev.resilience.api.CircuitOpenException;
import dev.resilience.api.Decorators;
import dev.resilience.api.ManualClock;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The README's examples, compiled against the real API and run. */
class ReadmeExamplesTest {

    record Response(int status, Duration retryAfter) {
    }

    private final ManualClock clock = new ManualClock();

    @Test
    void theBreakerExampleBuildsAndOpensForA429WithItsRetryAfter() {
        CircuitBreaker breaker = CircuitBreaker.of("payments", CircuitBreakerConfig.builder()
                .slidingWindow(SlidingWindow.timeBased(Duration.ofSeconds(10)))
                .minimumNumberOfCalls(20)
                .failureRateThreshold(50)
                .slowCallThreshold(Duration.ofMillis(500), 80)
                .consecutiveFailures(10)
                .recordExceptions(IOException.class)
                .ignoreExceptions(FileNotFoundException.class)
                .failureIfResult(r -> ((Response) r).status() == 503)
                .openForResult(r -> ((Response) r).status() == 429 ? ((Response) r).retryAfter() : null)
                .waitInOpen(Duration.ofSeconds(5)).exponentialWait(2.0, Duration.ofMinutes(2))
                .permittedCallsInHalfOpen(5).probeTimeout(Duration.ofSeconds(10))
                .clock(clock)
                .build());
        breaker.call(() -> new Response(429, Duration.ofSeconds(7)));
        Duration retryAfter;
        try {
            breaker.call(() -> new Response(200, Duration.ZERO));
            throw new AssertionError("admitted");
        } catch (CircuitOpenException e) {
            retryAfter = e.retryAfter().orElseThrow();
        }
        assertThat(retryAfter).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void thePermitExample() throws IOException {
        CircuitBreaker breaker = CircuitBreaker.of("p", CircuitBreakerConfig.builder().clock(clock)
                .failureIfResult(r -> ((Response) r).status() == 503).build());
        CircuitBreaker.Permit permit = breaker.tryAcquirePermission().orElseThrow(IllegalStateException::new);
        try {
            Response response = send();
            permit.onResult(response);
        } catch (IOException e) {
            permit.onError(e);
            throw e;
        }
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    }

    private static Response send() throws IOException {
        return new Response(503, Duration.ZERO);
    }

    @Test
    void theRetryOutsideTheBreakerExample() {
        CircuitBreaker breaker = CircuitBreaker.of("quotes", CircuitBreakerConfig.builder().clock(clock).build());
        Retry retry = Retry.of("quotes", RetryConfig.builder()
                .maxAttempts(4)
                .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1)).withJitter(Backoff.Jitter.FULL))
                .maxDuration(Duration.ofSeconds(3))
                .retryOnExceptions(IOException.class)
                .retryOnResult(r -> ((Response) r).status() == 503)
                .clock(clock)
                .build());
        AtomicInteger attempts = new AtomicInteger();
        Supplier<Response> quote = Decorators.ofSupplier(() -> new Response(attempts.incrementAndGet() < 3 ? 503 : 200,
                Duration.ZERO))
                .with(breaker)
                .with(retry)
                .decorate();
        assertThat(quote.get().status()).isEqualTo(200);
        assertThat(breaker.metrics().successfulCalls()).as("the breaker saw every attempt").isEqualTo(3);
        assertThat(retry.metrics().retries()).isEqualTo(2);
    }
}
