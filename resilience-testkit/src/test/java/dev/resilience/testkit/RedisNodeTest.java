package dev.resilience.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisNodeTest {

    @Test
    void killResetsConnectionsAndRestartComesBackEmptyOnTheSamePort() {
        try (RedisNode node = RedisNode.start()) {
            int port = node.port();
            node.command("SET", "k", "v");

            node.kill();
            assertThat(node.isRunning()).isFalse();
            assertThatThrownBy(() -> node.command("PING")).isInstanceOf(UncheckedIOException.class);

            node.restart();
            assertThat(node.port()).isEqualTo(port);
            assertThat(node.command("PING")).isEqualTo("PONG");
            assertThat(node.command("GET", "k")).as("no persistence: a restart loses the data").isNull();
        }
    }

    @Test
    void pauseLeavesConnectionsOpenButUnansweredUntilResume() {
        try (RedisNode node = RedisNode.start(); RespClient client = RespClient.connect(node.uri(), Duration.ofMillis(300))) {
            assertThat(client.command("PING")).isEqualTo("PONG");

            node.pause();
            assertThat(node.isPaused()).isTrue();
            assertThatThrownBy(() -> client.command("PING"))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(SocketTimeoutException.class);

            node.resume();
            assertThat(node.isPaused()).isFalse();
            // the PING sent while paused is answered first, then ours
            try (RespClient fresh = RespClient.connect(node.uri())) {
                assertThat(fresh.command("PING")).isEqualTo("PONG");
            }
        }
    }

    @Test
    void aNodeOnAPortAnotherServerHoldsFailsInsteadOfAdoptingThatServer() {
        try (RedisNode other = RedisNode.start()) {
            // the other server answers PING on this port, but it is not the process just started
            assertThatThrownBy(() -> RedisNode.start(other.binary(), other.port()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + other.port());
            assertThat(other.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void stopShutsDownAndStartAgainReusesThePort() {
        try (RedisNode node = RedisNode.start()) {
            node.stop();
            assertThat(node.isRunning()).isFalse();

            node.startAgain();
            assertThat(node.isRunning()).isTrue();
            assertThat(node.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void extraArgumentsReachTheServer() {
        try (RedisNode primary = RedisNode.start();
                RedisNode replica = RedisNode.start("--replicaof", primary.host(), Integer.toString(primary.port()))) {
            assertThat((String) replica.command("INFO", "replication")).contains("role:slave");
        }
    }
}
