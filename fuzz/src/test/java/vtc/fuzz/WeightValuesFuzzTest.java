package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import vtc.fixtures.Fixtures;

/**
 * The values of the F32 fixture's weights: each input is a list of 8-byte patches (little-endian
 * u32 float index into the data section, u32 float bits) written over a copy of model.safetensors,
 * which is then loaded and asked the fixture question. Weights that overflow to NaN or infinity
 * used to give a confident answer of token 0 with exit 0; a successful request must now have seen
 * finite logits only, and a non-finite stage is reported with a typed error.
 */
class WeightValuesFuzzTest {

    private static final ScratchDirectory MODEL = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA,
            "config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "preprocessor_config.json");
    private static final byte[] WEIGHTS = read();
    /** The fixture's data section: it starts right after the (8-byte aligned) header and runs to the end. */
    private static final int DATA_START = 8 + (int) ByteBuffer.wrap(WEIGHTS, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    private static final int FLOATS = (WEIGHTS.length - DATA_START) / Float.BYTES;

    @BeforeAll
    static void warmUp() {
        ShortGeneration.warmUp();
    }

    @AfterAll
    static void removeScratch() {
        MODEL.close();
    }

    @FuzzTest(maxDuration = "5s")
    void weightValues(byte[] patches) {
        byte[] weights = WEIGHTS.clone();
        ByteBuffer in = ByteBuffer.wrap(patches).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 8) {
            int index = Integer.remainderUnsigned(in.getInt(), FLOATS);
            out.putInt(DATA_START + index * Float.BYTES, in.getInt());
        }
        MODEL.write("model.safetensors", weights);
        LoadContract.loadsOrRefusesByName(() -> ShortGeneration.bounded(() -> ShortGeneration.withModel(MODEL.path())));
    }

    /** A patch as the target reads it, for the seeds. */
    static byte[] patch(int floatIndex, float value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(floatIndex).putFloat(value).array();
    }

    private static byte[] read() {
        try {
            return Files.readAllBytes(Fixtures.model(Fixtures.TINY_LLAVA).resolve("model.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
