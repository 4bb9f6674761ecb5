package vtc.loaders.safetensors;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
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
import java.util.regex.Pattern;
import vtc.loaders.json.JsonFile;

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
    /**
     * The most tensors one file may declare. Real files hold hundreds (llava-1.5-7b: 686 in total);
     * the bound keeps a header of a million empty entries from costing gigabytes before a refusal.
     */
    static final int MAX_TENSORS = 1 << 16;
    /** The most characters {@code __metadata__} may take (real files: {@code {"format": "pt"}}). */
    static final long MAX_METADATA_CHARS = 8L << 20;
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    static SafetensorsHeader parse(Path file, byte[] json, long dataStart, long dataSize) {
        Parser parser = new Parser(file, dataStart, dataSize);
        // Decoded while it is parsed (not into a String first): a 100 MB header then costs its bytes once.
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CountingReader text = new CountingReader(new InputStreamReader(new ByteArrayInputStream(json), decoder));
        try (JsonReader reader = new JsonReader(text)) {
            reader.setStrictness(Strictness.STRICT);
            SafetensorsHeader header = parser.header(reader, text);
            checkContiguous(file, header.tensors, dataStart, dataSize);
            return header;
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, "header is not valid UTF-8", e);
        } catch (HeaderTooLarge e) {
            throw new SafetensorsException(file, e.getMessage(), e);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new SafetensorsException(file, "header is not valid JSON: " + JsonFile.parserMessage(e), e);
        }
    }

    /**
     * As the safetensors library checks: sorted by offset, the tensors tile the data section exactly,
     * from its first byte to its last. Overlapping tensors would alias each other's weights; a gap
     * or trailing bytes mean a damaged or doctored file, which the reference refuses too.
     */
    private static void checkContiguous(Path file, List<TensorInfo> tensors, long dataStart, long dataSize) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::fileOffset).thenComparingLong(TensorInfo::byteSize));
        long expected = dataStart;
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.fileOffset() < expected) {
                throw new SafetensorsException(file, "tensors " + previous.name() + " and " + t.name()
                        + " overlap in the data section");
            }
            if (t.fileOffset() > expected) {
                throw new SafetensorsException(file, "data section bytes [" + (expected - dataStart) + ", "
                        + (t.fileOffset() - dataStart) + ") before tensor " + t.name()
                        + " belong to no tensor; safetensors refuses files with gaps");
            }
            expected = t.fileOffset() + t.byteSize();
            previous = t.byteSize() > 0 ? t : previous;
        }
        if (expected != dataStart + dataSize) {
            throw new SafetensorsException(file, "the last " + (dataStart + dataSize - expected) + " bytes of the "
                    + "data section belong to no tensor; safetensors refuses files not fully covered by their header");
        }
    }

    /** Counts the characters read, so that a part of the header can be bounded while it is parsed. */
    private static final class CountingReader extends FilterReader {
        private long count;
        private long limit = Long.MAX_VALUE;
        private String limitMessage;

        CountingReader(Reader in) {
            super(in);
        }

        /** From now on, refuse to read more than {@code chars} further characters. */
        void limit(long chars, String message) {
            limit = count + chars;
            limitMessage = message;
        }

        void unlimit() {
            limit = Long.MAX_VALUE;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            count(c < 0 ? 0 : 1);
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) throws IOException {
            count += n;
            if (count > limit) {
                throw new HeaderTooLarge(limitMessage);
            }
        }
    }

    /** A part of the header beyond its bound (reported as it is, not as invalid JSON). */
    private static final class HeaderTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        HeaderTooLarge(String message) {
            super(message);
        }
    }

    /** The streaming walk over the header object. */
    private record Parser(Path file, long dataStart, long dataSize) {

        SafetensorsHeader header(JsonReader reader, CountingReader text) throws IOException {
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
                    text.limit(MAX_METADATA_CHARS, METADATA_KEY + " is longer than " + (MAX_METADATA_CHARS >> 20)
                            + " MiB (real files hold a few bytes such as {\"format\": \"pt\"})");
                    metadata = metadata(reader);
                    text.unlimit();
                } else if (tensors.containsKey(name)) {
                    throw error("tensor " + name + " appears twice in the header");
                } else if (tensors.size() == MAX_TENSORS) {
                    throw error("header declares more than " + MAX_TENSORS + " tensors (real checkpoints hold "
                            + "hundreds per file)");
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
                if (!DIGITS.matcher(text).matches()) {
                    throw error("tensor " + name + ": " + field + " must hold non-negative integers, got " + text);
                }
                if (text.length() > 18) {
                    throw error("tensor " + name + ": " + field + " value " + text + " is too large: "
                            + (field.equals("shape") ? "no tensor has so many elements" : "no file has so many bytes")
                            + " (at most 18 digits)");
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
