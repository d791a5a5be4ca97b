package dev.resilience.testkit;

import dev.resilience.api.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} process this JVM owns, with the handles fault tests need: stop, kill
 * ({@code -9}), pause ({@code SIGSTOP}), resume ({@code SIGCONT}) and restart on the same port.
 * It keeps nothing on disk, so a restart comes back empty, as after a crash without persistence.
 *
 * <pre>{@code
 * try (RedisNode node = RedisNode.start()) {
 *     LockClient locks = LockClient.connect(node.uri());
 *     node.pause();          // the holder can no longer renew
 *     ...
 *     node.resume();
 * }
 * }</pre>
 */
public final class RedisNode implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final Path binary;
    private final int port;
    private final List<String> extraArgs;
    private final Path dir;
    private volatile Process process;
    private volatile boolean paused;

    private RedisNode(Path binary, int port, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        try {
            this.dir = Files.createTempDirectory("resilience-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A test JVM that exits without closing its nodes must not leave servers behind.
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "redis-node-reaper-" + port));
    }

    /**
     * Starts a node on a free port with the {@code redis-server} on the PATH, else the embedded
     * binary. {@code extraArgs} are passed to the server, e.g. {@code "--replicaof", "127.0.0.1", "6400"}.
     */
    public static RedisNode start(String... extraArgs) {
        return start(defaultBinary(), extraArgs);
    }

    /** Starts a node on a free port with the given binary. */
    public static RedisNode start(Path binary, String... extraArgs) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return start(binary, freePort(), extraArgs);
            } catch (IllegalStateException e) {
                last = e; // another process took the port between the probe and the bind: try another
            }
        }
        throw last;
    }

    /** Starts a node on {@code port} with the given binary. */
    public static RedisNode start(Path binary, int port, String... extraArgs) {
        RedisNode node = new RedisNode(binary, port, Arrays.asList(extraArgs));
        node.launch();
        return node;
    }

    /** The binary nodes use by default: {@code redis-server} on the PATH, else the embedded one. */
    public static Path defaultBinary() {
        return RedisBinary.onPath(System.getenv("PATH")).orElseGet(RedisBinary::embedded);
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The loopback address the node listens on. */
    public String host() {
        return "127.0.0.1";
    }

    /** The node's port; the same after {@link #restart()}. */
    public int port() {
        return port;
    }

    /** The binary this node runs. */
    public Path binary() {
        return binary;
    }

    /** True if the process is alive (paused counts as alive). */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id, for tests that want to signal it themselves. */
    public long pid() {
        requireRunning();
        return process.pid();
    }

    /** Stops the server gracefully ({@code SIGTERM}) and waits for it to exit. */
    public void stop() {
        if (isRunning()) {
            resume();
            process.destroy();
            awaitExit();
        }
    }

    /** Kills the server at once ({@code SIGKILL}): no shutdown, connections reset. */
    public void kill() {
        if (isRunning()) {
            process.destroyForcibly();
            awaitExit();
            paused = false;
        }
    }

    /** Freezes the server ({@code SIGSTOP}): connections stay open but nothing is answered. */
    public void pause() {
        requireRunning();
        signal("STOP");
        paused = true;
    }

    /** Lets a {@linkplain #pause() paused} server run again ({@code SIGCONT}). */
    public void resume() {
        if (paused && isRunning()) {
            signal("CONT");
            paused = false;
        }
    }

    /** True while {@linkplain #pause() paused}. */
    public boolean isPaused() {
        return paused;
    }

    /** Kills the server if it runs, then starts it again, empty, on the same port. */
    public void restart() {
        kill();
        launch();
    }

    /** Starts the server again on the same port after {@link #stop()} or {@link #kill()}. */
    public void startAgain() {
        if (!isRunning()) {
            launch();
        }
    }

    /** Sends one command to this node through a fresh connection. */
    public Object command(String... args) {
        try (RespClient client = RespClient.connect(uri())) {
            return client.command(args);
        }
    }

    /** Kills the server (if it runs) and deletes its directory. */
    @Override
    public void close() {
        kill();
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    @Override
    public String toString() {
        return "RedisNode[" + uri() + (isRunning() ? (paused ? ", paused" : ", running") : ", stopped") + "]";
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "no",
                "--daemonize", "no",
                "--dir", dir.toString(),
                "--logfile", log().toString()));
        command.addAll(extraArgs);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.txt").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        awaitReady();
    }

    private void awaitReady() {
        Clock clock = Clock.system();
        long deadline = clock.nanoTime() + READY_TIMEOUT.toNanos();
        RuntimeException last = null;
        while (clock.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited with "
                        + process.exitValue() + ": " + tail());
            }
            try (RespClient client = RespClient.connect(uri(), Duration.ofMillis(500))) {
                // Ours, not a server another JVM started on the same probed port: that one would
                // answer a PING too while ours exits with "address in use" (start() then retries).
                if (client.command("INFO", "server") instanceof String info
                        && info.contains("process_id:" + process.pid() + "\r\n")) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                clock.sleep(TimeUnit.MILLISECONDS.toNanos(20)); // a real process starting to listen
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting redis-server", e);
            }
        }
        kill();
        throw new IllegalStateException("redis-server on port " + port + " did not answer as itself within "
                + READY_TIMEOUT + ": " + (last == null ? "" : last.getMessage()) + "; " + tail());
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException(this + " is not running");
        }
    }

    private Path log() {
        return dir.resolve("redis.log");
    }

    private String tail() {
        try {
            Path log = Files.exists(log()) ? log() : dir.resolve("stdout.txt");
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
