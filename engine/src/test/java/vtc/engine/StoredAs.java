package vtc.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.Q8Quantizer;
import vtc.engine.tensor.WeightMatrix;
import vtc.engine.text.LlamaLayerWeights;
import vtc.engine.text.LlamaWeights;
import vtc.engine.vision.ClipLayerWeights;
import vtc.engine.vision.ClipVisionWeights;

/**
 * Random F32 test weights re-stored as F16, BF16 (rounded to nearest) or quantized to Q8_0, so a
 * model runs every kernel path of a dtype. The naive references read the matrices through
 * {@link WeightMatrix#get}, i.e. the stored (rounded or dequantized) values, so the same float32
 * tolerance holds for every dtype: the comparison checks the arithmetic, not the rounding.
 */
public final class StoredAs {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private StoredAs() {
    }

    public static WeightMatrix matrix(WeightMatrix f32, DType dtype) {
        return switch (dtype) {
            case F32 -> f32;
            case Q8_0 -> Q8Quantizer.quantize(f32, Arena.ofAuto());
            case F16, BF16 -> {
                long n = (long) f32.rows() * f32.cols();
                MemorySegment data = Arena.ofAuto().allocate(2 * n, 2);
                for (int r = 0; r < f32.rows(); r++) {
                    for (int c = 0; c < f32.cols(); c++) {
                        float v = f32.get(r, c);
                        short bits = dtype == DType.F16 ? Float.floatToFloat16(v) : bf16(v);
                        data.set(U16, 2 * ((long) r * f32.cols() + c), bits);
                    }
                }
                yield new WeightMatrix(f32.name(), data, dtype, f32.rows(), f32.cols()).scannedForFinite();
            }
        };
    }

    private static short bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Every linear weight of the decoder re-stored; embeddings and norms stay as they are. */
    public static LlamaWeights llama(LlamaWeights w, DType dtype) {
        List<LlamaLayerWeights> layers = w.layers().stream().map(l -> new LlamaLayerWeights(l.inputLayerNorm(),
                matrix(l.qProj(), dtype), matrix(l.kProj(), dtype), matrix(l.vProj(), dtype), matrix(l.oProj(), dtype),
                l.postAttentionLayerNorm(),
                matrix(l.gateProj(), dtype), matrix(l.upProj(), dtype), matrix(l.downProj(), dtype))).toList();
        return new LlamaWeights(w.embedTokens(), layers, w.norm(), matrix(w.lmHead(), dtype));
    }

    /** Every linear weight of the tower re-stored; patch and position embeddings stay as they are. */
    public static ClipVisionWeights clip(ClipVisionWeights w, DType dtype) {
        List<ClipLayerWeights> layers = w.layers().stream().map(l -> new ClipLayerWeights(
                l.layerNorm1Weight(), l.layerNorm1Bias(),
                matrix(l.qProj(), dtype), l.qBias(), matrix(l.kProj(), dtype), l.kBias(),
                matrix(l.vProj(), dtype), l.vBias(), matrix(l.outProj(), dtype), l.outBias(),
                l.layerNorm2Weight(), l.layerNorm2Bias(),
                matrix(l.fc1(), dtype), l.fc1Bias(), matrix(l.fc2(), dtype), l.fc2Bias())).toList();
        return new ClipVisionWeights(w.patchEmbedding(), w.classEmbedding(), w.positionEmbedding(),
                w.preLayerNormWeight(), w.preLayerNormBias(), layers);
    }
}
