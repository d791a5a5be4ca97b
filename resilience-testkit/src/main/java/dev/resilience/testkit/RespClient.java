package dev.resilience.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP2 client for tests and fixtures: readiness checks, {@code FLUSHDB},
 * {@code INFO commandstats}, {@code CLIENT PAUSE}, reading keys to assert on. It has no connection
 * pool and no reconnect logic on purpose, so a fault test sees exactly what the server does.
 *
 * <pre>{@code
 * try (RespClient redis = RespClient.connect(testRedis.uri())) {
 *     assertThat(redis.command("GET", "counter")).isEqualTo("42");
 * }
 * }</pre>
 *
 * <p>Replies map to Java as: simple and bulk strings to {@link String}, integers to {@link Long},
 * arrays to {@link List}, nil to {@code null}; an error reply throws {@link RedisErrorReply}.
 */
public final class RespClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** Connects to a {@code redis://[:password@]host:port[/db]} URI with a 5 second timeout. */
    public static RespClient connect(String redisUri) {
        return connect(redisUri, Duration.ofSeconds(5));
    }

    /** Connects with {@code timeout} for the connect and for every reply. */
    public static RespClient connect(String redisUri, Duration timeout) {
        URI uri = URI.create(redisUri);
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()),
                    (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            RespClient client = new RespClient(socket);
            String userInfo = uri.getUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                String password = userInfo.substring(userInfo.indexOf(':') + 1);
                client.command("AUTH", password);
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                client.command("SELECT", path.substring(1));
            }
            return client;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + redisUri + ": " + e.getMessage(), e);
        }
    }

    /** Sends one command and returns its reply. */
    public Object command(String... args) {
        try {
            out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write('\r');
                out.write('\n');
            }
            out.flush();
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException("redis command " + args[0] + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends one command whose reply is an integer. */
    public long commandLong(String... args) {
        return (Long) command(args);
    }

    private Object readReply() throws IOException {
        int type = in.read();
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new RedisErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                readLine();
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(readReply());
                }
                return items;
            }
            case -1:
                throw new IOException("connection closed by the server");
            default:
                throw new IOException("unexpected RESP type '" + (char) type + "'");
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\r'; ) {
            if (c == -1) {
                throw new IOException("connection closed by the server");
            }
            line.append((char) c);
        }
        in.read(); // '\n'
        return line.toString();
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection: nothing useful to do
        }
    }

    /** An error reply from Redis, such as {@code ERR unknown command}. */
    public static final class RedisErrorReply extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedisErrorReply(String message) {
            super(message);
        }
    }
}
