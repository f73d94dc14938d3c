package scremoted.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition every few milliseconds until it holds or a deadline passes. */
public final class Await {
    private Await() {}

    public static final Duration DEFAULT = Duration.ofSeconds(10);

    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            pause(3);
        }
    }

    /** Like {@link #until} but the message is computed at failure time (shows the state reached). */
    public static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            pause(3);
        }
    }

    /** Asserts the condition stays true for the whole duration (checked every few ms). */
    public static void holds(String what, Duration duration, BooleanSupplier condition) {
        long end = System.nanoTime() + duration.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("condition stopped holding: " + what);
            }
            pause(3);
        } while (System.nanoTime() - end < 0);
    }

    /** Asserts the condition never becomes true during the whole duration. */
    public static void never(String what, Duration duration, BooleanSupplier condition) {
        holds("never: " + what, duration, () -> !condition.getAsBoolean());
    }

    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
