package vtc.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import vtc.loaders.safetensors.SafetensorsFile;
import vtc.loaders.safetensors.TensorInfo;

/**
 * Whole safetensors files (length prefix, JSON header, data): every file either opens with every
 * tensor readable inside the file, or is refused by name. Seeds: small files cut from both
 * fixtures and the F32 fixture's full header.
 */
class SafetensorsFuzzTest {

    /** Tensors up to this many elements are also widened to float, exercising every dtype path. */
    private static final long WIDEN_LIMIT = 1 << 16;

    private static final ScratchDirectory SCRATCH = ScratchDirectory.withFixtureFiles("tiny-llava");

    @AfterAll
    static void removeScratch() {
        SCRATCH.close();
    }

    @FuzzTest(maxDuration = "5s")
    void safetensorsFile(byte[] bytes) {
        Path file = SCRATCH.write("model.safetensors", bytes);
        LoadContract.loadsOrRefusesByName(() -> {
            try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
                safetensors.tensors().forEach(t -> readWholly(safetensors, t, bytes.length));
            }
        });
    }

    /** Touches the first and last byte of the tensor and widens small weights to float. */
    private static void readWholly(SafetensorsFile safetensors, TensorInfo tensor, long fileSize) {
        assertTrue(tensor.fileOffset() >= 8 && tensor.fileOffset() + tensor.byteSize() <= fileSize,
                () -> tensor + " lies outside the " + fileSize + "-byte file");
        MemorySegment data = safetensors.segment(tensor.name());
        if (data.byteSize() > 0) {
            data.get(ValueLayout.JAVA_BYTE, 0);
            data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
        }
        if (safetensors.hasWeightDtype(tensor.name()) && tensor.elementCount() <= WIDEN_LIMIT) {
            safetensors.floats(tensor.name());
        }
    }
}
