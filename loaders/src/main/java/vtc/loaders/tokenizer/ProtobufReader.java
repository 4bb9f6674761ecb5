package vtc.loaders.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import vtc.loaders.LoadException;

/**
 * Just enough of the protobuf wire format to read a SentencePiece model: varints, 32-bit floats,
 * length-delimited fields (strings and nested messages), and skipping of fields we do not use.
 * Every read is checked against the end of the current message, so a damaged file gives a
 * {@link LoadException} naming the file and the byte offset, never an index error.
 */
final class ProtobufReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final Path file;
    private final byte[] data;
    private final int end;
    private int pos;
    private int wireType;

    ProtobufReader(Path file, byte[] data) {
        this(file, data, 0, data.length);
    }

    private ProtobufReader(Path file, byte[] data, int start, int end) {
        this.file = file;
        this.data = data;
        this.pos = start;
        this.end = end;
    }

    boolean hasMore() {
        return pos < end;
    }

    /** Reads the next field's key; returns its field number (its wire type is kept for the read). */
    int nextField() {
        int keyOffset = pos;
        long key = varint();
        wireType = (int) (key & 7);
        long field = key >>> 3;
        if (field == 0 || field > Integer.MAX_VALUE) {
            throw error(keyOffset, "invalid field number " + field);
        }
        return (int) field;
    }

    long varint() {
        int start = pos;
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw error(start, "truncated varint");
            }
            byte b = data[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw error(start, "varint longer than 10 bytes");
    }

    /** An int32/enum/bool field (negative int32 values are stored sign-extended to 64 bits). */
    int int32(String name) {
        expect(VARINT, name);
        return (int) varint();
    }

    boolean bool(String name) {
        return int32(name) != 0;
    }

    float float32(String name) {
        expect(FIXED32, name);
        requireBytes(4, name);
        int bits = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16
                | (data[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    String string(String name) {
        int length = lengthOf(name);
        String s = new String(data, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    /** A nested message: a reader over its bytes; this reader moves past them. */
    ProtobufReader message(String name) {
        int length = lengthOf(name);
        ProtobufReader nested = new ProtobufReader(file, data, pos, pos + length);
        pos += length;
        return nested;
    }

    /** Skips the value of the field whose key was just read. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> { requireBytes(8, "a 64-bit field"); pos += 8; }
            case LENGTH_DELIMITED -> {
                int length = lengthOf("a length-delimited field"); // reads the length first: pos moves
                pos += length;
            }
            case FIXED32 -> { requireBytes(4, "a 32-bit field"); pos += 4; }
            default -> throw error(pos, "unsupported wire type " + wireType);
        }
    }

    private int lengthOf(String name) {
        expect(LENGTH_DELIMITED, name);
        int start = pos;
        long length = varint();
        if (length < 0 || length > end - pos) {
            throw error(start, name + " has length " + length + " but only " + (end - pos) + " bytes are left");
        }
        return (int) length;
    }

    private void expect(int expected, String name) {
        if (wireType != expected) {
            throw error(pos, name + " has wire type " + wireType + ", expected " + expected);
        }
    }

    private void requireBytes(int count, String name) {
        if (end - pos < count) {
            throw error(pos, name + " is truncated");
        }
    }

    private LoadException error(int offset, String message) {
        return new LoadException(file, "malformed SentencePiece model at byte " + offset + ": " + message);
    }
}
