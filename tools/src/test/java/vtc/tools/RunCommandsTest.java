package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code bench} on the tiny model: structure, and timings that add up. */
class RunCommandsTest {

    @Test
    void benchTimesTheBaselineAndEverySetting() {
        JsonObject report = Cli.run("bench", "--model", Cli.TINY.toString(), "--keep", "576,16", "--runs", "1",
                "--max-new-tokens", "3", "--threads", "1", "--json").json();
        JsonArray settings = report.getAsJsonArray("settings");
        assertEquals(3, settings.size());
        int[] expectedKept = {64, 64, 16}; // none, U=576 capped at N = 64, U=16
        for (int i = 0; i < 3; i++) {
            JsonObject s = settings.get(i).getAsJsonObject();
            assertEquals(expectedKept[i], s.get("kept").getAsInt(), s.get("setting").getAsString());
            double firstToken = s.get("first_token_ms").getAsDouble();
            JsonObject t = s.getAsJsonObject("timings_ms");
            assertEquals(t.get("preprocess").getAsDouble() + t.get("vision").getAsDouble() + t.get("prune").getAsDouble()
                    + t.get("prefill").getAsDouble(), firstToken, 1e-9);
        }
        assertEquals(1.0, settings.get(0).getAsJsonObject().get("prefill_speedup").getAsDouble(), 0);
    }
}
