/**
 * A three-state circuit breaker ({@link dev.resilience.breaker.CircuitBreaker}) with sliding
 * windows, manual switches and availability figures, and {@link dev.resilience.breaker.Retry}
 * with back-off. Both are {@link dev.resilience.api.Policy policies}, so they wrap any call and
 * compose with {@link dev.resilience.api.Decorators}.
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.of("payments", CircuitBreakerConfig.builder()
 *         .failureRateThreshold(50)
 *         .slidingWindow(SlidingWindow.countBased(100))
 *         .build());
 * Retry retry = Retry.of("payments", RetryConfig.builder().maxAttempts(3).build());
 * Supplier<Receipt> charge = Decorators.ofSupplier(() -> gateway.charge(order))
 *         .with(breaker)    // inner: every attempt is recorded
 *         .with(retry)      // outer: retries what failed
 *         .decorate();
 * }</pre>
 */
package dev.resilience.breaker;
