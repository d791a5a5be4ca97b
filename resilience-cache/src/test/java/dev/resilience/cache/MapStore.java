package dev.resilience.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A store over a map that counts its calls, for tests. */
class MapStore implements CacheStore<String, String> {
    final Map<String, String> rows = new ConcurrentHashMap<>();
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger loadAlls = new AtomicInteger();
    final List<List<String>> loadAllKeys = new CopyOnWriteArrayList<>();
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public String load(String key) throws Exception {
        loads.incrementAndGet();
        return rows.get(key);
    }

    @Override
    public Map<String, String> loadAll(Collection<? extends String> keys) throws Exception {
        loadAlls.incrementAndGet();
        loadAllKeys.add(List.copyOf(keys));
        Map<String, String> found = new java.util.HashMap<>();
        for (String key : keys) {
            String value = rows.get(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        return found;
    }

    @Override
    public void write(String key, String value) throws Exception {
        writes.incrementAndGet();
        rows.put(key, value);
    }

    @Override
    public void delete(String key) throws Exception {
        writes.incrementAndGet();
        rows.remove(key);
    }
}
