package vtc.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Set;
import vtc.loaders.tokenizer.Tokenizer;
import vtc.loaders.tokenizer.Tokenizers;

/** {@code vtc tokenize}: text to ids and pieces with the model's tokenizer, or ids back to text. */
final class TokenizeCommand implements Command {

    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String summary() {
        return "text to token ids and pieces (JSON), or --decode ids to text";
    }

    @Override
    public String help() {
        return """
                usage: vtc tokenize --model DIR TEXT
                       vtc tokenize --model DIR --decode 1,2,3 [--skip-special]

                  TEXT            prints {"ids": [...], "pieces": [...]}, BOS included when the model adds it;
                                  write <image> for the image token
                  --decode IDS    comma-separated ids; prints their text
                  --skip-special  leave special tokens (<s>, </s>, <image>, …) out of the decoded text
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("model", "decode");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("skip-special");
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        String decode = line.value("decode");
        if (decode != null) {
            line.positionals(0, "no TEXT together with --decode");
            int[] ids = parseIds(line, decode);
            Tokenizer tokenizer = Tokenizers.load(ModelArguments.modelDir(line));
            for (int id : ids) {
                if (id < 0 || id >= tokenizer.vocabSize()) {
                    throw new UsageException("tokenize: id " + id + " is outside the vocabulary [0, "
                            + tokenizer.vocabSize() + ")");
                }
            }
            terminal.out().println(tokenizer.decode(ids, line.flag("skip-special")));
            return Main.OK;
        }
        String text = line.positionals(1, "one TEXT argument (quote it)").get(0);
        Tokenizer tokenizer = Tokenizers.load(ModelArguments.modelDir(line));
        int[] ids = tokenizer.encode(text);
        JsonArray pieces = new JsonArray();
        for (int id : ids) {
            pieces.add(tokenizer.piece(id));
        }
        JsonObject json = new JsonObject();
        json.add("ids", RunReport.ints(ids));
        json.add("pieces", pieces);
        terminal.out().println(RunReport.toJson(json));
        return Main.OK;
    }

    private static int[] parseIds(CommandLine line, String list) {
        String[] parts = list.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UsageException(line.commandName() + ": --decode expects comma-separated ids, got \""
                        + parts[i] + "\"");
            }
        }
        return ids;
    }
}
