package vtc.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import vtc.eval.PruningSetting;
import vtc.tools.PruningOptions;

/**
 * One pruning setting as written on the job's command line, which is what travels to the
 * executors; each builds its selector there with the same option reading as {@code vtc}.
 */
record SettingSpec(String method, String layers, String keep, String top, String stride, long seed)
        implements Serializable {

    /**
     * Every method with every budget of {@code keeps}; a method that takes no {@code --keep}
     * (none, prumerge) runs once. Every setting is built once here, so that a wrong option stops
     * the job before any work.
     */
    static List<SettingSpec> sweep(List<String> methods, String layers, List<String> keeps, String top, String stride,
                                   long seed) {
        List<SettingSpec> specs = new ArrayList<>();
        for (String m : methods) {
            if (keeps.isEmpty() || !PruningOptions.takesKeep(m)) {
                specs.add(new SettingSpec(m, layers, null, top, stride, seed));
            } else {
                for (String k : keeps) {
                    specs.add(new SettingSpec(m, layers, k, top, stride, seed));
                }
            }
        }
        specs.forEach(SettingSpec::setting);
        return List.copyOf(specs);
    }

    PruningSetting setting() {
        return PruningSetting.of(PruningOptions.selector(method, layers, keep, top, stride, seed));
    }
}
