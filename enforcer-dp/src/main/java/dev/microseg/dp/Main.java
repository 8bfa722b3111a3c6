package dev.microseg.dp;

/** Entry point of the {@code microseg-dp} process. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
    }
}
