package vtc.eval;

import java.io.Serializable;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.PromptTemplate;
import vtc.loaders.image.PreprocessMode;

/**
 * How every question of an evaluation is asked: greedy decoding (as LLaVA's evaluation scripts
 * run with temperature 0), so that the answers are reproducible and the same on every node.
 *
 * @param template     the prompt template
 * @param preprocess   pad or crop, or null to follow the checkpoint
 * @param maxNewTokens the most tokens an answer may have
 */
public record EvalOptions(PromptTemplate template, PreprocessMode preprocess, int maxNewTokens)
        implements Serializable {

    public EvalOptions {
        if (template == null) {
            throw new IllegalArgumentException("template must not be null");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
    }

    GenerationOptions generation() {
        return GenerationOptions.greedy(maxNewTokens);
    }
}
