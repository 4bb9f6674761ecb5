/**
 * Which visual tokens reach the language model.
 *
 * <ul>
 *   <li>{@link vtc.pruning.VtcCls} — the paper's method: score patches by the [CLS] attention of
 *       the last K ViT layers up to the feature layer, keep the top U before the projector
 *       ({@link vtc.pruning.VtcClsSelection} holds one image's score).</li>
 *   <li>{@link vtc.pruning.FastV} — the in-decoder baseline: keep the top U image tokens by the
 *       last prompt token's attention in decoder layer K−1.</li>
 *   <li>{@link vtc.pruning.RandomSelection}, {@link vtc.pruning.UniformSelection},
 *       {@link vtc.pruning.NoPruning} — content-blind references.</li>
 *   <li>{@link vtc.pruning.PruningMethod} — {@code --method/--layers/--keep} to selectors;
 *       {@link vtc.pruning.KeepBudget} — U as a count or a fraction.</li>
 *   <li>{@link vtc.pruning.TopK} — the one top-U routine all of them share (ties: lower index).</li>
 * </ul>
 */
package vtc.pruning;
