/**
 * The contracts every resilience module shares.
 *
 * <ul>
 *   <li>{@link dev.resilience.api.Clock} and {@link dev.resilience.api.ManualClock}: injected time,
 *       monotonic for decisions, manual in tests;</li>
 *   <li>{@link dev.resilience.api.Scheduler}: timers off the hot path;</li>
 *   <li>{@link dev.resilience.api.Backoff}: fixed, exponential and jittered delays;</li>
 *   <li>{@link dev.resilience.api.ResilienceException} with a stable
 *       {@link dev.resilience.api.ErrorCode} and its rejections;</li>
 *   <li>{@link dev.resilience.api.EventSource} and {@link dev.resilience.api.EventPublisher}:
 *       listeners that can never break the caller;</li>
 *   <li>{@link dev.resilience.api.Registry}: named, isolated instances per domain or tenant;</li>
 *   <li>{@link dev.resilience.api.Policy} and {@link dev.resilience.api.Decorators}: one way to wrap
 *       any call in any policy, composed in a chosen order.</li>
 * </ul>
 */
package dev.resilience.api;
