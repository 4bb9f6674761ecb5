package vtc.tools;

import java.util.Set;
import vtc.loaders.Llava;
import vtc.pruning.PruningMethod;

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

    static Llava.Request apply(PruningMethod.Plan plan, Llava.Request request) {
        return request.withVisualSelector(plan.visual()).withDecoderSelector(plan.decoderOrNull());
    }
}
