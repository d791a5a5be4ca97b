package dev.resilience.cache;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default home of loads: daemon threads created on demand and retired after a minute idle.
 * Loads block on I/O, so they must not run in the common fork-join pool.
 */
final class LoadExecutor {

    private static final Executor SHARED = create();

    private LoadExecutor() {
    }

    static Executor shared() {
        return SHARED;
    }

    private static Executor create() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "resilience-cache-load-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
