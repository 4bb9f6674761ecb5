package vtc.loaders.safetensors;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, parsed strictly and checked against the data section it
 * describes. Read with a streaming reader rather than a JSON tree so that a repeated tensor name
 * is seen (a tree would silently keep the last one).
 *
 * @param tensors  every tensor, in header order
 * @param metadata the optional {@code __metadata__} string map
 */
record SafetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata) {

    static final String METADATA_KEY = "__metadata__";

    /**
     * Parses {@code json} (the header bytes) of {@code file}, whose data section starts at
     * {@code dataStart} and holds {@code dataSize} bytes.
     */
    static SafetensorsHeader parse(Path file, byte[] json, long dataStart, long dataSize) {
        Parser parser = new Parser(file, dataStart, dataSize);
        try (JsonReader reader = new JsonReader(new StringReader(decodeUtf8(file, json)))) {
            reader.setStrictness(Strictness.STRICT);
            SafetensorsHeader header = parser.header(reader);
            checkNoOverlap(file, header.tensors);
            return header;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new SafetensorsException(file, "header is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String decodeUtf8(Path file, byte[] json) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, "header is not valid UTF-8", e);
        }
    }

    /** Two tensors sharing bytes would alias each other's weights: refuse. */
    private static void checkNoOverlap(Path file, List<TensorInfo> tensors) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::fileOffset).thenComparingLong(TensorInfo::byteSize));
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.byteSize() == 0) {
                continue;
            }
            if (previous != null && t.fileOffset() < previous.fileOffset() + previous.byteSize()) {
                throw new SafetensorsException(file, "tensors " + previous.name() + " and " + t.name()
                        + " overlap in the data section");
            }
            previous = t;
        }
    }

    /** The streaming walk over the header object. */
    private record Parser(Path file, long dataStart, long dataSize) {

        SafetensorsHeader header(JsonReader reader) throws IOException {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw error("header must be a JSON object, got " + describe(reader.peek()));
            }
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = Map.of();
            boolean sawMetadata = false;
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (name.equals(METADATA_KEY)) {
                    if (sawMetadata) {
                        throw error("header repeats " + METADATA_KEY);
                    }
                    sawMetadata = true;
                    metadata = metadata(reader);
                } else if (tensors.containsKey(name)) {
                    throw error("tensor " + name + " appears twice in the header");
                } else {
                    tensors.put(name, entry(reader, name));
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw error("header has content after its JSON object");
            }
            return new SafetensorsHeader(List.copyOf(tensors.values()), metadata);
        }

        private Map<String, String> metadata(JsonReader reader) throws IOException {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw error(METADATA_KEY + " must be an object of strings, got " + describe(reader.peek()));
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            reader.beginObject();
            while (reader.hasNext()) {
                String key = reader.nextName();
                if (reader.peek() != JsonToken.STRING) {
                    throw error(METADATA_KEY + "." + key + " must be a string, got " + describe(reader.peek()));
                }
                metadata.put(key, reader.nextString());
            }
            reader.endObject();
            return Map.copyOf(metadata);
        }

        private TensorInfo entry(JsonReader reader, String name) throws IOException {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw error("tensor " + name + ": entry must be an object, got " + describe(reader.peek()));
            }
            String dtype = null;
            long[] shape = null;
            long[] offsets = null;
            reader.beginObject();
            while (reader.hasNext()) {
                String field = reader.nextName();
                switch (field) {
                    case "dtype" -> {
                        requireFirst(dtype, name, field);
                        if (reader.peek() != JsonToken.STRING) {
                            throw error("tensor " + name + ": dtype must be a string, got " + describe(reader.peek()));
                        }
                        dtype = reader.nextString();
                    }
                    case "shape" -> {
                        requireFirst(shape, name, field);
                        shape = naturals(reader, name, field);
                    }
                    case "data_offsets" -> {
                        requireFirst(offsets, name, field);
                        offsets = naturals(reader, name, field);
                    }
                    default -> throw error("tensor " + name + ": unexpected field " + field);
                }
            }
            reader.endObject();
            if (dtype == null || shape == null || offsets == null) {
                String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
                throw error("tensor " + name + ": entry has no " + missing);
            }
            return located(name, dtype, shape, offsets);
        }

        /** Checks the byte range against the data section and the shape, then places it in the file. */
        private TensorInfo located(String name, String dtype, long[] shape, long[] offsets) {
            if (offsets.length != 2) {
                throw error("tensor " + name + ": data_offsets must be [begin, end], got " + offsets.length + " numbers");
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end || end > dataSize) {
                throw error("tensor " + name + ": data_offsets [" + begin + ", " + end
                        + "] are outside the data section of " + dataSize + " bytes");
            }
            int elementBytes = StoredDType.elementBytes(dtype);
            if (elementBytes > 0) {
                long expected = byteSize(name, dtype, shape, elementBytes);
                if (end - begin != expected) {
                    throw error("tensor " + name + ": " + dtype + " " + Arrays.toString(shape) + " needs "
                            + expected + " bytes but data_offsets span " + (end - begin));
                }
            }
            return new TensorInfo(name, dtype, shape, file, dataStart + begin, end - begin);
        }

        private long byteSize(String name, String dtype, long[] shape, int elementBytes) {
            try {
                long bytes = elementBytes;
                for (long d : shape) {
                    bytes = Math.multiplyExact(bytes, d);
                }
                return bytes;
            } catch (ArithmeticException e) {
                throw error("tensor " + name + ": " + dtype + " " + Arrays.toString(shape)
                        + " is too large to address");
            }
        }

        /** An array of non-negative integers (JSON numbers without fraction or exponent). */
        private long[] naturals(JsonReader reader, String name, String field) throws IOException {
            if (reader.peek() != JsonToken.BEGIN_ARRAY) {
                throw error("tensor " + name + ": " + field + " must be an array of integers, got " + describe(reader.peek()));
            }
            List<Long> values = new ArrayList<>();
            reader.beginArray();
            while (reader.hasNext()) {
                if (reader.peek() != JsonToken.NUMBER) {
                    throw error("tensor " + name + ": " + field + " must hold integers, got " + describe(reader.peek()));
                }
                String text = reader.nextString();
                if (!text.matches("\\d{1,18}")) {
                    throw error("tensor " + name + ": " + field + " must hold non-negative integers, got " + text);
                }
                values.add(Long.parseLong(text));
            }
            reader.endArray();
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        private void requireFirst(Object seen, String name, String field) {
            if (seen != null) {
                throw error("tensor " + name + ": field " + field + " appears twice");
            }
        }

        private SafetensorsException error(String message) {
            return new SafetensorsException(file, message);
        }

        private static String describe(JsonToken token) {
            return switch (token) {
                case BEGIN_ARRAY -> "an array";
                case BEGIN_OBJECT -> "an object";
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "null";
                default -> token.toString();
            };
        }
    }
}
