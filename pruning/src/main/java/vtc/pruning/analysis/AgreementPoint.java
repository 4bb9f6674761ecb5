package vtc.pruning.analysis;

/**
 * One point of Figure 2: how well the [CLS] score over K ViT layers agrees with the attention
 * of the LLM's last prompt token in decoder layer {@code llmLayer}.
 *
 * @param clsLayers K
 * @param keep      U, the number of tokens both top lists hold
 * @param overlap   |top-U(cls) ∩ top-U(llm)| / U
 * @param spearman  rank correlation over all N image tokens (does not depend on U)
 */
public record AgreementPoint(int clsLayers, int keep, int llmLayer, double overlap, double spearman) {
}
