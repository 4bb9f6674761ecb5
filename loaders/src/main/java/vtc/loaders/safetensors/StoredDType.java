package vtc.loaders.safetensors;

import java.util.Map;
import vtc.engine.tensor.DType;

/**
 * The dtype names a safetensors header may carry. Every name with a whole-byte element size is
 * known here so its byte ranges can be validated; only F32, F16 and BF16 can become engine
 * weights. Names outside this table (sub-byte or future types) are listed but never read.
 */
final class StoredDType {

    private static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1),
            Map.entry("F8_E4M3", 1), Map.entry("F8_E5M2", 1), Map.entry("F8_E8M0", 1),
            Map.entry("U16", 2), Map.entry("I16", 2), Map.entry("F16", 2), Map.entry("BF16", 2),
            Map.entry("U32", 4), Map.entry("I32", 4), Map.entry("F32", 4),
            Map.entry("U64", 8), Map.entry("I64", 8), Map.entry("F64", 8), Map.entry("C64", 8));

    private StoredDType() {
    }

    /** Bytes per element, or -1 when the name has no whole-byte size we know of. */
    static int elementBytes(String name) {
        return ELEMENT_BYTES.getOrDefault(name, -1);
    }

    /** The engine dtype for {@code name}, or null when the engine cannot compute with it. */
    static DType engineType(String name) {
        return switch (name) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            default -> null;
        };
    }
}
