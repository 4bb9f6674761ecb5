package vtc.loaders.safetensors;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Builds safetensors files byte by byte for tests, independently of the project's writer, so
 * that corrupt files (bad lengths, overlapping ranges, repeated keys) can be produced at will.
 */
public final class RawSafetensors {

    private RawSafetensors() {
    }

    /** Writes {@code [u64 LE length][header][data]}, the header given as raw text. */
    public static Path write(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return writeWithLength(file, json.length, json, data);
    }

    /** Like {@link #write} but with an arbitrary value in the length field. */
    public static Path writeWithLength(Path file, long length, byte[] header, byte[] data) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(length).put(header).put(data);
        Files.write(file, out.array());
        return file;
    }

    /** The header of an existing file as a JSON object. */
    public static JsonObject header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int length = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return JsonParser.parseString(new String(bytes, 8, length, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    /** The data section of an existing file. */
    public static byte[] data(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int length = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return Arrays.copyOfRange(bytes, 8 + length, bytes.length);
    }

    /** Copies {@code src} to {@code dst} with the same data and a header changed by {@code edit}. */
    public static Path withEditedHeader(Path src, Path dst, Consumer<JsonObject> edit) throws IOException {
        JsonObject header = header(src);
        edit.accept(header);
        return write(dst, header.toString(), data(src));
    }

    /** Little-endian float32 bytes of {@code values}. */
    public static byte[] f32(float... values) {
        ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putFloat(v);
        }
        return out.array();
    }
}
