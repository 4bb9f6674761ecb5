package vtc.loaders.checkpoint;

/**
 * The llava-hf name of every tensor a LLaVA checkpoint holds, written once: {@link RequiredTensors}
 * pairs them with the shapes a config implies, {@link LlavaWeightsBinder} binds them to the
 * engine's records. ({@link TensorNaming} maps them to the transformers ≥ 4.52 names.)
 */
final class TensorNames {

    static final String VISION = "vision_tower.vision_model.";
    static final String PATCH_EMBEDDING = VISION + "embeddings.patch_embedding.weight";
    static final String CLASS_EMBEDDING = VISION + "embeddings.class_embedding";
    static final String POSITION_EMBEDDING = VISION + "embeddings.position_embedding.weight";
    static final String PRE_LAYERNORM_WEIGHT = VISION + "pre_layrnorm.weight";
    static final String PRE_LAYERNORM_BIAS = VISION + "pre_layrnorm.bias";
    static final String POST_LAYERNORM_WEIGHT = VISION + "post_layernorm.weight";
    static final String POST_LAYERNORM_BIAS = VISION + "post_layernorm.bias";

    static final String PROJECTOR_1_WEIGHT = "multi_modal_projector.linear_1.weight";
    static final String PROJECTOR_1_BIAS = "multi_modal_projector.linear_1.bias";
    static final String PROJECTOR_2_WEIGHT = "multi_modal_projector.linear_2.weight";
    static final String PROJECTOR_2_BIAS = "multi_modal_projector.linear_2.bias";

    static final String TEXT = "language_model.model.";
    static final String EMBED_TOKENS = TEXT + "embed_tokens.weight";
    static final String FINAL_NORM = TEXT + "norm.weight";
    static final String LM_HEAD = "language_model.lm_head.weight";

    private TensorNames() {
    }

    /** The tensors of CLIP encoder layer {@code i}. */
    record ClipLayer(String layerNorm1Weight, String layerNorm1Bias, String qWeight, String qBias,
                     String kWeight, String kBias, String vWeight, String vBias, String outWeight, String outBias,
                     String layerNorm2Weight, String layerNorm2Bias, String fc1Weight, String fc1Bias,
                     String fc2Weight, String fc2Bias) {

        static ClipLayer of(int i) {
            String p = VISION + "encoder.layers." + i + ".";
            String a = p + "self_attn.";
            return new ClipLayer(p + "layer_norm1.weight", p + "layer_norm1.bias", a + "q_proj.weight", a + "q_proj.bias",
                    a + "k_proj.weight", a + "k_proj.bias", a + "v_proj.weight", a + "v_proj.bias",
                    a + "out_proj.weight", a + "out_proj.bias", p + "layer_norm2.weight", p + "layer_norm2.bias",
                    p + "mlp.fc1.weight", p + "mlp.fc1.bias", p + "mlp.fc2.weight", p + "mlp.fc2.bias");
        }
    }

    /** The tensors of Llama decoder layer {@code i}. */
    record LlamaLayer(String inputNorm, String q, String k, String v, String o, String postAttentionNorm,
                      String gate, String up, String down) {

        static LlamaLayer of(int i) {
            String p = TEXT + "layers." + i + ".";
            return new LlamaLayer(p + "input_layernorm.weight", p + "self_attn.q_proj.weight",
                    p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight", p + "self_attn.o_proj.weight",
                    p + "post_attention_layernorm.weight", p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight",
                    p + "mlp.down_proj.weight");
        }
    }
}
