package dev.resilience.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on N threads released at one barrier, and collects every result and every failure,
 * so a concurrency test can check its invariant at the end.
 *
 * <pre>{@code
 * Concurrently.Outcome<Integer> outcome = Concurrently.run(16, thread -> {
 *     int granted = 0;
 *     for (int i = 0; i < 10_000; i++) {
 *         if (limiter.tryAcquire()) granted++;
 *     }
 *     return granted;
 * });
 * assertThat(outcome.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
 * }</pre>
 */
public final class Concurrently {

    /** How long {@link #run(int, Task)} waits for all threads before failing. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Concurrently() {
    }

    /** The work of one thread, given its index {@code 0..threads-1}. */
    @FunctionalInterface
    public interface Task<T> {
        /** Does this thread's part and returns its result. */
        T run(int thread) throws Exception;
    }

    /**
     * Starts {@code threads} platform threads, releases them together, and waits up to
     * {@link #DEFAULT_TIMEOUT} for all of them.
     *
     * @throws AssertionError if a thread is still running at the timeout (with its stack)
     */
    public static <T> Outcome<T> run(int threads, Task<T> task) {
        return run(threads, DEFAULT_TIMEOUT, task);
    }

    /** As {@link #run(int, Task)}, with a timeout. */
    public static <T> Outcome<T> run(int threads, Duration timeout, Task<T> task) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive but was " + threads);
        }
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        Object[] results = new Object[threads];
        Throwable[] failures = new Throwable[threads];
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            workers[i] = new Thread(() -> {
                try {
                    ready.countDown();
                    start.await();
                    results[index] = task.run(index);
                } catch (Throwable t) {
                    failures[index] = t;
                } finally {
                    done.countDown();
                }
            }, "concurrently-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }
        try {
            ready.await();
            start.countDown();
            if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                AssertionError stuck = new AssertionError(done.getCount() + " of " + threads
                        + " threads still running after " + timeout);
                for (Thread worker : workers) {
                    if (worker.isAlive()) {
                        Throwable where = new Throwable(worker.getName() + " is here");
                        where.setStackTrace(worker.getStackTrace());
                        stuck.addSuppressed(where);
                        worker.interrupt();
                    }
                }
                throw stuck;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Arrays.stream(workers).forEach(Thread::interrupt);
            throw new AssertionError("interrupted while waiting for the threads", e);
        }
        List<T> values = new ArrayList<>(threads);
        List<Throwable> thrown = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            @SuppressWarnings("unchecked")
            T value = (T) results[i];
            values.add(value);
            if (failures[i] != null) {
                thrown.add(failures[i]);
            }
        }
        return new Outcome<>(Collections.unmodifiableList(values), List.copyOf(thrown));
    }

    /**
     * What the threads returned (by thread index; {@code null} where a thread failed) and what
     * they threw.
     *
     * @param values each thread's result, by index
     * @param failures every exception a thread threw
     * @param <T> the result type
     */
    public record Outcome<T>(List<T> values, List<Throwable> failures) {

        /**
         * The values, after failing with every thread's exception if any thread threw.
         *
         * @throws AssertionError with each failure attached as suppressed
         */
        public List<T> valuesOrThrow() {
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " thread(s) failed; first: " + failures.get(0));
                failures.forEach(error::addSuppressed);
                throw error;
            }
            return values;
        }
    }
}
