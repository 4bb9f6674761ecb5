package vtc.tools;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.regex.Pattern;
import vtc.api.Llava;
import vtc.engine.llava.GenerationResult;
import vtc.engine.llava.Timings;

/** The run report (docs/semantics.md, "The run report"): one JSON object, numbers as numbers. */
final class RunReport {

    private RunReport() {
    }

    static JsonObject of(Llava.Result r) {
        JsonObject report = new JsonObject();
        GenerationResult g = r.generation();
        report.add("input_ids", ints(g.inputIds()));
        report.addProperty("image_tokens", g.imageTokens());
        report.add("kept_indices", ints(g.keptIndices()));
        report.addProperty("image_rows", g.imageRows());
        report.add("generated_ids", ints(g.generatedIds()));
        report.addProperty("text", r.text());
        report.add("timings_ms", timings(g.timings()));
        return report;
    }

    static JsonObject timings(Timings t) {
        JsonObject ms = new JsonObject();
        ms.addProperty("preprocess", t.preprocessMs());
        ms.addProperty("vision", t.visionMs());
        ms.addProperty("prune", t.pruneMs());
        ms.addProperty("prefill", t.prefillMs());
        ms.addProperty("decode", t.decodeMs());
        return ms;
    }

    static JsonArray ints(int[] values) {
        JsonArray a = new JsonArray(values.length);
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    /** A pretty-printed array of plain numbers, which reads better on one line: {@code [1024, 3, 14, 14]}. */
    private static final Pattern NUMBER_ARRAY = Pattern.compile("\\[\\s*(-?[0-9.eE+-]+(?:,\\s*-?[0-9.eE+-]+)*)\\s*]");

    /** Pretty JSON with non-ASCII text kept readable and arrays of numbers (shapes, ids) on one line. */
    static String toJson(JsonElement json) {
        String pretty = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
                .serializeSpecialFloatingPointValues().create().toJson(json);
        return NUMBER_ARRAY.matcher(pretty).replaceAll(m -> "[" + m.group(1).replaceAll(",\\s*", ", ") + "]");
    }
}
