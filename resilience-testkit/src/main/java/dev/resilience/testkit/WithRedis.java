package dev.resilience.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a real Redis: see {@link TestRedis}.
 *
 * <pre>{@code
 * @WithRedis
 * class RedisLimiterTest {
 *     @Test
 *     void sharesOneLimit(TestRedis redis) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(RedisExtension.class)
public @interface WithRedis {
}
