package dev.resilience.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Finds a {@code redis-server} executable: one on the {@code PATH}, or the binary shipped inside
 * the {@code com.github.codemonstur:embedded-redis} jar, extracted once per JVM.
 *
 * <pre>{@code
 * Path binary = RedisBinary.onPath(System.getenv("PATH")).orElseGet(RedisBinary::embedded);
 * }</pre>
 */
public final class RedisBinary {

    private static final ReentrantLock EXTRACT_LOCK = new ReentrantLock();
    private static volatile Path extracted;

    private RedisBinary() {
    }

    /** The first executable {@code redis-server} on a {@code PATH}-style list of directories. */
    public static Optional<Path> onPath(String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(Pattern.quote(java.io.File.pathSeparator))) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code redis-server} shipped in the embedded-redis jar for this OS and architecture,
     * extracted to a temporary file (deleted at exit).
     *
     * @throws IllegalStateException if the jar ships no binary for this platform
     */
    public static Path embedded() {
        Path path = extracted;
        if (path != null) {
            return path;
        }
        EXTRACT_LOCK.lock();
        try {
            if (extracted == null) {
                extracted = extract(resourceName());
            }
            return extracted;
        } finally {
            EXTRACT_LOCK.unlock();
        }
    }

    static String resourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        boolean x64 = arch.contains("amd64") || arch.contains("x86_64");
        if (os.contains("linux") && x64) {
            return "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("linux") && arm) {
            return "redis-server-6.2.7-linux-arm64";
        }
        if (os.contains("mac") && x64) {
            return "redis-server-6.2.6-v5-darwin-amd64";
        }
        if (os.contains("mac") && arm) {
            return "redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IllegalStateException("embedded-redis ships no redis-server for " + os + "/" + arch
                + "; install redis-server on the PATH or set REDIS_URL");
    }

    private static Path extract(String resource) {
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath: is embedded-redis a dependency?");
            }
            Path file = Files.createTempFile("resilience-redis-server-", "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            if (!file.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + file + " executable");
            }
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource, e);
        }
    }
}
