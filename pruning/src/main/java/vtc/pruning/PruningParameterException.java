package vtc.pruning;

/**
 * A pruning parameter has a value the method cannot use (K out of range, U not positive, a
 * stride of zero). Names the parameter, as the constructor of the method calls it, so a caller
 * (or a command line that maps it to its option) can say which value to fix.
 */
public final class PruningParameterException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String parameter;

    public PruningParameterException(String parameter, String message) {
        super(parameter + ": " + message);
        this.parameter = parameter;
    }

    /** The parameter at fault: {@code layers}, {@code keep}, {@code top}, {@code stride}. */
    public String parameter() {
        return parameter;
    }
}
