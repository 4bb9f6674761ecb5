package vtc.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import vtc.engine.llava.PromptTemplate;
import vtc.eval.EvalOptions;
import vtc.eval.PruningSetting;
import vtc.eval.QuestionAnswerer;
import vtc.loaders.image.PreprocessMode;

/**
 * What one evaluation job does, read from its command line on the driver and shipped to every
 * executor.
 *
 * @param questions  the question file (or folder of them): any path Spark reads (file:, hdfs:, s3a:, …)
 * @param images     the image folder, a local path present on every node (or a shared mount)
 * @param model      the model folder, a local path present on every node (or a shared mount)
 * @param out        the output folder (any path Spark writes); must not exist yet
 * @param sweep      the pruning settings, all answered in this one job
 * @param options    prompt template, preprocessing, answer length
 * @param threads    kernel threads of the one model each executor JVM loads (0: the executor's processors)
 * @param partitions partitions of the images (0: Spark's default parallelism)
 * @param prefixCacheMb the prefix cache of each executor's model in MiB (0: off)
 * @param master     the Spark master when not started by spark-submit (null: spark-submit's)
 */
public record JobSpec(String questions, String images, String model, String out, List<SettingSpec> sweep,
                      EvalOptions options, int threads, int partitions, int prefixCacheMb, String master) implements Serializable {

    static final String USAGE = """
            usage: EvalJob --questions PATH --images DIR --model DIR --out PATH [options]

              --questions PATH     question file in LLaVA's model_vqa_loader format (any path Spark reads)
              --images DIR         image folder, present on every node
              --model DIR          Hugging Face LLaVA folder, present on every node
              --out PATH           output folder (must not exist): one answers folder per setting,
                                   OUT/setting=<name>/part-*.txt in LLaVA's answers-file format
              --method M[,M…]      vtc-cls (default), fastv, prumerge, prumerge+, random, uniform, none
              --keep U[,U…]        budgets, counts or fractions (default 64); every method × every budget
              --layers K, --top T, --stride S, --seed S   as in vtc eval
              --max-new-tokens N   default 16 (greedy)
              --template T         llava-hf (default) | vicuna_v1
              --preprocess pad|crop
              --threads N          kernel threads of each executor's model (default: the executor's processors)
              --partitions N       image partitions (default: Spark's default parallelism)
              --prefix-cache MB    each executor's prefix cache, so the ViT runs once per image (default 1024, 0 = off)
              --master URL         when not run by spark-submit, e.g. local[2]
            """;

    /** Reads the job's arguments; an {@link IllegalArgumentException} says what is wrong. */
    public static JobSpec parse(String... args) {
        String questions = null, images = null, model = null, out = null, method = "vtc-cls", keep = null,
                layers = null, top = null, stride = null, template = "llava-hf", preprocess = null, master = null;
        long seed = 0;
        int maxNewTokens = 16, threads = 0, partitions = 0, prefixCacheMb = 1024;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument \"" + name + "\"");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--questions" -> questions = value;
                case "--images" -> images = value;
                case "--model" -> model = value;
                case "--out" -> out = value;
                case "--method" -> method = value;
                case "--keep" -> keep = value;
                case "--layers" -> layers = value;
                case "--top" -> top = value;
                case "--stride" -> stride = value;
                case "--seed" -> seed = number(name, value);
                case "--max-new-tokens" -> maxNewTokens = (int) number(name, value);
                case "--template" -> template = value;
                case "--preprocess" -> preprocess = value;
                case "--threads" -> threads = (int) number(name, value);
                case "--partitions" -> partitions = (int) number(name, value);
                case "--prefix-cache" -> prefixCacheMb = (int) number(name, value);
                case "--master" -> master = value;
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        require("--questions", questions);
        require("--images", images);
        require("--model", model);
        require("--out", out);
        if (maxNewTokens < 1 || threads < 0 || partitions < 0 || prefixCacheMb < 0) {
            throw new IllegalArgumentException("--max-new-tokens must be >= 1, --threads, --partitions and --prefix-cache >= 0");
        }
        List<SettingSpec> sweep = SettingSpec.sweep(list(method), layers, keep == null ? List.of() : list(keep),
                top, stride, seed);
        EvalOptions options = new EvalOptions(template(template), preprocess(preprocess), maxNewTokens);
        return new JobSpec(questions, images, model, out, sweep, options, threads, partitions, prefixCacheMb, master);
    }

    /** The settings' selectors, built anew (on the driver, and on each executor from the shipped sweep). */
    public List<PruningSetting> settings() {
        return sweep.stream().map(SettingSpec::setting).toList();
    }

    /** LLaVA's {@code model_id}: the model folder's name. */
    public String modelId() {
        return QuestionAnswerer.modelId(Path.of(model));
    }

    private static List<String> list(String commaSeparated) {
        List<String> items = new ArrayList<>();
        Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(items::add);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("empty list \"" + commaSeparated + "\"");
        }
        return items;
    }

    private static PromptTemplate template(String name) {
        return switch (name) {
            case "llava-hf" -> PromptTemplate.LLAVA_HF;
            case "vicuna_v1", "vicuna-v1" -> PromptTemplate.VICUNA_V1;
            default -> throw new IllegalArgumentException("--template must be llava-hf or vicuna_v1, got \"" + name + "\"");
        };
    }

    private static PreprocessMode preprocess(String name) {
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "pad" -> PreprocessMode.PAD;
            case "crop" -> PreprocessMode.CROP;
            default -> throw new IllegalArgumentException("--preprocess must be pad or crop, got \"" + name + "\"");
        };
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a whole number, got \"" + value + "\"");
        }
    }

    private static void require(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
