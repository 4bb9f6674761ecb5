package vtc.engine.llava;

/**
 * A request that cannot get the memory it needs: more than the whole heap, or more than is free now
 * beside the requests already running. Raised before anything is allocated, never as an
 * OutOfMemoryError half-way; in the second case the same request can succeed later.
 */
public class InsufficientMemoryException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    private final boolean couldFitLater;

    public InsufficientMemoryException(String message, boolean couldFitLater) {
        super(message);
        this.couldFitLater = couldFitLater;
    }

    /** Whether the request would fit once the requests running now have finished. */
    public boolean couldFitLater() {
        return couldFitLater;
    }
}
