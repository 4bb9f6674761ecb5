/**
 * The paper's Figure 2 as numbers: does the [CLS] score rank the image tokens as the LLM's own
 * attention does? {@link vtc.pruning.analysis.ImportanceSignals} measures both vectors on one
 * image and prompt; {@link vtc.pruning.analysis.ClsLlmAgreement} tabulates
 * {@link vtc.pruning.analysis.TopOverlap} and {@link vtc.pruning.analysis.SpearmanCorrelation}
 * per K, U and decoder layer. Plots are drawn elsewhere.
 */
package vtc.pruning.analysis;
