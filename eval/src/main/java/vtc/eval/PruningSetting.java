package vtc.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import vtc.pruning.PruningMethod;

/**
 * One method and budget to evaluate, as written on a command line ({@code --method --layers
 * --keep --seed}); {@link #plan} turns it into the selectors. Kept as written (and serializable)
 * so the Spark driver can ship it to executors that build the selectors themselves.
 *
 * @param method {@code --method}
 * @param layers {@code --layers}, or null for the method's default
 * @param keep   {@code --keep}, or null for the default (and for methods that keep every token)
 * @param seed   {@code --seed} of the random baseline
 */
public record PruningSetting(String method, String layers, String keep, long seed) implements Serializable {

    /**
     * The settings of a sweep: every method with every budget ({@code keeps}, comma-separated);
     * a method that keeps every token ({@code none}) runs once.
     *
     * @throws vtc.pruning.PruningOptionException for a method or option that does not parse
     */
    public static List<PruningSetting> sweep(List<String> methods, String layers, List<String> keeps, long seed) {
        List<PruningSetting> settings = new ArrayList<>();
        for (String m : methods) {
            PruningMethod parsed = PruningMethod.parse(m);
            if (parsed == PruningMethod.NONE) {
                settings.add(new PruningSetting(parsed.cliName(), layers, null, seed));
            } else if (keeps.isEmpty()) {
                settings.add(new PruningSetting(parsed.cliName(), layers, null, seed));
            } else {
                for (String k : keeps) {
                    settings.add(new PruningSetting(parsed.cliName(), layers, k, seed));
                }
            }
        }
        settings.forEach(PruningSetting::plan); // every option checked before any work starts
        return List.copyOf(settings);
    }

    /** The selectors the engine runs. */
    public PruningMethod.Plan plan() {
        return PruningMethod.parse(method).plan(layers, keep, seed);
    }

    /** The setting with its defaults filled in, e.g. {@code vtc-cls(K=3, U=64)} or {@code none}. */
    public String label() {
        PruningMethod.Plan plan = plan();
        return plan.decoder().map(Object::toString).orElse(plan.visual().toString());
    }

    /** {@link #label} as a file or directory name: {@code vtc-cls_K3_U64}, {@code none}. */
    public String fileName() {
        return label().replace(", ", "_").replace("(", "_").replace(")", "").replace("=", "")
                .replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
