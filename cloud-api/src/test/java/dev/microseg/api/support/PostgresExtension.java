package dev.microseg.api.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Makes sure the one test PostgreSQL runs, migrated, before a test class starts its context. */
public final class PostgresExtension implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        TestDatabase.get();
    }
}
