/**
 * Which visual tokens reach the language model: the selectors the engine's one pruning seam
 * ({@link vtc.engine.prune.TokenSelector}) runs.
 *
 * <ul>
 *   <li>{@link vtc.pruning.VtcCls} — the paper's method: score patches by the [CLS] attention of
 *       the last K ViT layers up to the feature layer, keep the top U before the projector.</li>
 *   <li>{@link vtc.pruning.FastV} — the in-decoder baseline: keep the top U image tokens by the
 *       last prompt token's attention in decoder layer K−1.</li>
 *   <li>{@link vtc.pruning.PruMerge}, {@link vtc.pruning.PruMergePlus} — the merging baselines:
 *       keep tokens by the last ViT layer's [CLS] attention and merge the rest into them
 *       ({@link vtc.pruning.PruMergeSelection}).</li>
 *   <li>{@link vtc.pruning.RandomSelection}, {@link vtc.pruning.UniformSelection},
 *       {@link vtc.pruning.NoPruning} — content-blind references.</li>
 *   <li>{@link vtc.pruning.KeepBudget} — U as a count or a fraction; {@link vtc.pruning.TopK} —
 *       the one top-U routine all of them share (ties: lower index).</li>
 * </ul>
 */
package vtc.pruning;
