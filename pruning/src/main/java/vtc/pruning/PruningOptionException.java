package vtc.pruning;

/**
 * A pruning option has a value the method cannot use (K out of range, U not positive, an
 * unknown method name). Names the option so a user can fix the command line.
 */
public final class PruningOptionException extends IllegalArgumentException {

    private final String option;

    public PruningOptionException(String option, String message) {
        super(option + ": " + message);
        this.option = option;
    }

    /** The option at fault, as written on the command line ({@code --layers}, {@code --keep}, ...). */
    public String option() {
        return option;
    }
}
