package dev.microseg.dp.kcache;

import java.util.Map;

/**
 * The engine's hold on the kernel allow cache ({@link KernelAllowCache} in the process, nothing in
 * unit tests): keys of connections decided as a final L3/L4 allow go in, a policy change empties it.
 */
public interface AllowCache {
    /** No cache: nothing is recorded, nothing to flush ({@code --no-kernel-allow-cache}, {@code --no-offload}). */
    AllowCache NONE = new AllowCache() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void offer(AllowKey key) {
        }

        @Override
        public void flush(String reason) {
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }
    };

    /** Whether connections may be accepted by the cache without reaching the queue. Any thread. */
    boolean enabled();

    /** Records {@code key} asynchronously (never blocks the packet path; a full queue drops it). */
    void offer(AllowKey key);

    /**
     * Empties the cache and returns once the kernel confirmed it (or the cache was switched off
     * because it could not be emptied): no entry added under an older policy generation survives.
     */
    void flush(String reason);

    /** {@code kcache.*} counters. */
    Map<String, Long> counters();
}
