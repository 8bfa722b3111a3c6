package dev.microseg.api;

import io.micronaut.runtime.Micronaut;

/** Entry point of the {@code microseg-api} process. */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
