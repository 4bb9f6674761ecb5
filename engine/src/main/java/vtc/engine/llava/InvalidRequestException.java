package vtc.engine.llava;

/** A generation request the model cannot run (bad prompt ids, pixels, options or length), raised before any compute. */
public class InvalidRequestException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
