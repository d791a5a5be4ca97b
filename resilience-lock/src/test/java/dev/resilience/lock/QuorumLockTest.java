package dev.resilience.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import dev.resilience.testkit.Concurrently;
import dev.resilience.testkit.RedisNode;
import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The quorum lock over three independent Redis masters started by the test. */
@WithRedis
class QuorumLockTest {

    @Test
    void worksWithOneOfThreeNodesKilledAndRefusesWithTwo(TestRedis redis) throws Exception {
        RedisNode a = redis.startNode();
        RedisNode b = redis.startNode();
        RedisNode c = redis.startNode();
        try (LockClient locks = LockClient.redis(a.uri(), b.uri(), c.uri()).leaseTime(Duration.ofSeconds(5))
                        .commandTimeout(Duration.ofMillis(300)).build();
                LockClient rival = LockClient.redis(a.uri(), b.uri(), c.uri()).leaseTime(Duration.ofSeconds(5))
                        .commandTimeout(Duration.ofMillis(300)).build()) {
            LockLease first = locks.lock("q").tryAcquire().orElseThrow();
            for (RedisNode node : new RedisNode[] {a, b, c}) {
                assertThat(node.command("EXISTS", "lock:{q}")).isEqualTo(1L);
            }
            assertThat(rival.lock("q").tryAcquire()).isEmpty();
            first.close();
            for (RedisNode node : new RedisNode[] {a, b, c}) {
                assertThat(node.command("EXISTS", "lock:{q}")).isEqualTo(0L); // released on all
            }

            a.kill();
            LockLease second = locks.lock("q").tryAcquire().orElseThrow();
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            assertThat(rival.lock("q").tryAcquire()).isEmpty();
            second.close();

            b.kill();
            assertThatThrownBy(() -> locks.lock("q").tryAcquire()).isInstanceOfSatisfying(ResilienceException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.REDIS_UNAVAILABLE));
            assertThat(c.command("EXISTS", "lock:{q}")).isEqualTo(0L); // the minority grant was given back
        }
    }

    @Test
    void tokensStayIncreasingWhenMajoritiesShift(TestRedis redis) throws Exception {
        RedisNode a = redis.startNode();
        RedisNode b = redis.startNode();
        RedisNode c = redis.startNode();
        // node a has seen many acquisitions the others have not
        a.command("SET", "lock:{s}:fence", "1000");
        try (LockClient locks = LockClient.redis(a.uri(), b.uri(), c.uri()).commandTimeout(Duration.ofMillis(300))
                .build()) {
            long onAB;
            c.pause();
            try (LockLease lease = locks.lock("s").acquire(Duration.ofSeconds(5))) {
                onAB = lease.fencingToken();
            }
            c.resume();
            assertThat(onAB).isGreaterThan(1000);
            a.kill();
            try (LockLease lease = locks.lock("s").acquire(Duration.ofSeconds(5))) {
                // granted by b and c only; b holds the write-back of the last token
                assertThat(lease.fencingToken()).isGreaterThan(onAB);
            }
        }
    }

    @Test
    void clientsContendingOnTheQuorumNeverHoldAtOnce(TestRedis redis) {
        RedisNode a = redis.startNode();
        RedisNode b = redis.startNode();
        RedisNode c = redis.startNode();
        LockClient[] clients = new LockClient[2];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = LockClient.redis(a.uri(), b.uri(), c.uri()).leaseTime(Duration.ofSeconds(10)).build();
        }
        try {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            long[] counter = new long[1];
            Concurrently.run(6, t -> {
                for (int i = 0; i < 15; i++) {
                    try (LockLease lease = clients[t % 2].lock("c").acquire(Duration.ofSeconds(30))) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        counter[0]++;
                        lease.checkValid();
                        inside.decrementAndGet();
                    }
                }
                return null;
            }).valuesOrThrow();
            assertThat(counter[0]).isEqualTo(90);
            assertThat(maxInside.get()).isEqualTo(1);
        } finally {
            for (LockClient client : clients) {
                client.close();
            }
        }
    }
}
