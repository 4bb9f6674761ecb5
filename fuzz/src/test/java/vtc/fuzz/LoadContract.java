package vtc.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import vtc.loaders.LoadException;

/**
 * The one rule every fuzz target checks: an input either loads, or it is refused with the
 * project's own {@link LoadException} naming the file at fault. Any other exception escaping
 * (IllegalArgumentException, IndexOutOfBounds, NullPointer, a gson exception, …) is a bug in the
 * loader, and Jazzer reports it with the input that caused it.
 */
final class LoadContract {

    private LoadContract() {
    }

    /** Runs {@code load}; a {@link LoadException} must name a file and say what is wrong. */
    static void loadsOrRefusesByName(Runnable load) {
        try {
            load.run();
        } catch (LoadException refused) {
            assertNotNull(refused.file(), () -> "refusal without a file: " + refused.getMessage());
            assertFalse(refused.getMessage().isBlank(), "refusal without a message");
        }
    }
}
