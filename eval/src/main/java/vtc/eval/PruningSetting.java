package vtc.eval;

import vtc.engine.prune.TokenSelector;

/**
 * One pruning setting of an evaluation: the selector the engine runs and the name its answers
 * carry ({@code metadata.setting}) and are filed under.
 *
 * @param label    how the setting is shown, e.g. {@code vtc-cls(K=3, U=64)}
 * @param selector VTC-CLS, a baseline, FastV or PruMerge
 */
public record PruningSetting(String label, TokenSelector selector) {

    /** The setting of a selector, named as the selector names itself. */
    public static PruningSetting of(TokenSelector selector) {
        return new PruningSetting(selector.toString(), selector);
    }

    /** {@link #label} as a file or folder name: {@code vtc-cls_K3_U64}, {@code prumerge+_T0.1_s2}, {@code none}. */
    public String fileName() {
        return label.replace(", ", "_").replace("(", "_").replace(")", "").replace("=", "")
                .replaceAll("[^A-Za-z0-9.+_-]", "_");
    }
}
