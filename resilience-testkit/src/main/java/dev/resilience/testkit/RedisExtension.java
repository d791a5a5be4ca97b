package dev.resilience.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a real Redis as a {@link TestRedis} parameter (of test methods, lifecycle
 * methods or the constructor), with a clean database and its own fault-test nodes. Apply it with
 * {@link WithRedis}.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisExtension.class);
    private static final String KEY = "redis";

    @Override
    public void beforeAll(ExtensionContext context) {
        redis(context); // a @Nested class shares its outer class's
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestRedis owned = context.getStore(NAMESPACE).remove(KEY, TestRedis.class);
        if (owned != null) {
            owned.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestRedis.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return redis(context); // with a per-class lifecycle the constructor asks before beforeAll
    }

    private static TestRedis redis(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> TestRedis.forTestClass(), TestRedis.class);
    }
}
