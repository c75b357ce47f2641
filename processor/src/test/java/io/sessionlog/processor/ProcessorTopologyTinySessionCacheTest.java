package io.sessionlog.processor;

/**
 * Every rule of {@link ProcessorTopologyTest} again with a cache of one decoded session view per task: interleaved
 * sessions evict each other, so each record's view comes in turn from the cache and from the session store.
 */
class ProcessorTopologyTinySessionCacheTest extends ProcessorTopologyTest {

    @Override
    int sessionCacheSize() {
        return 1;
    }
}
