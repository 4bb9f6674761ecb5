package vtc.tools;

import java.util.ArrayList;
import java.util.List;
import vtc.api.Llava;

/**
 * How {@code vtc bench} and {@code vtc demo} time several settings of one model fairly. First
 * untimed warm-up rounds run every setting, so the JIT, the caches and the page cache are warm
 * before anything counts. Then each repetition runs every setting once, starting one setting
 * later than the previous repetition: no setting is always first (paying for whatever the
 * machine did just before) or always right after the heaviest one. A machine's slow minute then
 * widens every setting's spread instead of biasing one of them.
 */
final class InterleavedRuns {

    /** One setting to time: a label and the request it runs. */
    record Setting(String label, Llava.Request request) {
    }

    private InterleavedRuns() {
    }

    /**
     * Runs {@code warmUps} untimed rounds, then {@code repetitions} timed rounds in rotated order.
     *
     * @return per setting (in the given order), its results in repetition order
     */
    static List<List<Llava.Result>> run(Llava llava, List<Setting> settings, int warmUps, int repetitions,
                                        Terminal terminal) {
        int n = settings.size();
        Terminal.Steps steps = terminal.steps("timing", (warmUps + repetitions) * n);
        for (int round = 0; round < warmUps; round++) {
            for (Setting s : settings) {
                steps.next(s.label() + " (warm-up " + (round + 1) + "/" + warmUps + ")");
                llava.generate(s.request(), null);
            }
        }
        List<List<Llava.Result>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(new ArrayList<>());
        }
        for (int rep = 0; rep < repetitions; rep++) {
            for (int i : order(n, rep)) {
                Setting s = settings.get(i);
                steps.next(s.label() + " (run " + (rep + 1) + "/" + repetitions + ")");
                results.get(i).add(llava.generate(s.request(), null));
            }
        }
        steps.done();
        return results;
    }

    /** The settings' order in repetition {@code rep}: 0..n-1 rotated left by {@code rep}. */
    static int[] order(int n, int rep) {
        int[] order = new int[n];
        for (int k = 0; k < n; k++) {
            order[k] = (k + rep) % n;
        }
        return order;
    }
}
