package vtc.tools;

import java.util.Set;
import vtc.loaders.Llava;
import vtc.pruning.PruningMethod;
import vtc.pruning.VtcCls;

/** {@code --method --layers --keep --seed}: which visual tokens reach the decoder. */
final class PruningArguments {

    static final Set<String> OPTIONS = Set.of("method", "layers", "keep", "seed");

    private PruningArguments() {
    }

    /** The method's selectors; {@code fallbackMethod} applies when {@code --method} is absent. */
    static PruningMethod.Plan plan(CommandLine line, String fallbackMethod) {
        return plan(line, fallbackMethod, line.value("keep"));
    }

    /** As {@link #plan(CommandLine, String)} with {@code keep} instead of {@code --keep} (bench's list). */
    static PruningMethod.Plan plan(CommandLine line, String fallbackMethod, String keep) {
        PruningMethod method = PruningMethod.parse(line.value("method", fallbackMethod));
        return method.plan(line.value("layers"), keep, line.longValue("seed", 0));
    }

    /**
     * The request with the plan's selectors. FastV's K is checked here against the loaded decoder
     * so that an impossible {@code --layers} is reported as a command-line error.
     */
    static Llava.Request apply(PruningMethod.Plan plan, Llava llava, Llava.Request request) {
        int decoderLayers = llava.config().text().numHiddenLayers();
        plan.decoder().ifPresent(fastv -> {
            if (fastv.layer() >= decoderLayers) {
                throw new UsageException(VtcCls.LAYERS_OPTION + ": FastV's K must be below the "
                        + decoderLayers + " decoder layers, got " + fastv.layer());
            }
        });
        return request.withVisualSelector(plan.visual()).withDecoderSelector(plan.decoderOrNull());
    }
}
