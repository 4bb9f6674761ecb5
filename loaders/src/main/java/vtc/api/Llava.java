package vtc.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.GenerationResult;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.llava.LlavaModel;
import vtc.engine.llava.PrefixCache;
import vtc.engine.llava.PromptTemplate;
import vtc.engine.prune.TokenSelector;
import vtc.loaders.LoadException;
import vtc.loaders.checkpoint.LlavaCheckpoint;
import vtc.loaders.checkpoint.WeightOptions;
import vtc.loaders.config.ConsistentModelFiles;
import vtc.loaders.image.ImagePreprocessor;
import vtc.loaders.image.PixelValues;
import vtc.loaders.image.PreprocessMode;
import vtc.loaders.tokenizer.StreamingDecoder;
import vtc.loaders.tokenizer.Tokenizer;
import vtc.loaders.tokenizer.Tokenizers;

/**
 * A LLaVA-1.5 model ready to answer questions about images: load once, call {@link #generate}
 * from as many threads as you like, {@link #close} to free the weights.
 *
 * <pre>{@code
 * try (Llava llava = Llava.load(Path.of("llava-1.5-7b-hf"), 8)) {
 *     Llava.Result r = llava.generate(Llava.Request.of(Path.of("cat.png"), "What is in the picture?")
 *             .withSelector(new VtcCls(3, KeepBudget.count(64))), System.out::print);
 *     System.out.println(r.generation().timings());
 * }
 * }</pre>
 */
public final class Llava implements AutoCloseable {

    private final LlavaCheckpoint checkpoint;
    private final Tokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final Parallel parallel;
    private final LlavaModel model;

    private Llava(LlavaCheckpoint checkpoint, Tokenizer tokenizer, ImagePreprocessor preprocessor, Parallel parallel,
                  PrefixCache prefixCache) {
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
        this.parallel = parallel;
        this.model = new LlavaModel(checkpoint.config(), checkpoint.weights(), parallel, prefixCache);
    }

    /**
     * Opens the checkpoint, tokenizer and image preprocessor of a Hugging Face LLaVA directory.
     *
     * @param threads worker threads of the kernels (the calling thread counts as one); at most the
     *                number of cores is used
     * @throws LoadException naming the file (and field or tensor) that cannot be used
     */
    public static Llava load(Path modelDir, int threads) {
        return load(modelDir, threads, WeightOptions.DEFAULT);
    }

    /**
     * {@link #load(Path, int)} with weights held as {@code weights} says: in owned memory or
     * mapped, as stored or quantized to Q8_0.
     */
    public static Llava load(Path modelDir, int threads, WeightOptions weights) {
        return load(modelDir, threads, weights, 0);
    }

    /**
     * {@link #load(Path, int, WeightOptions)} that also keeps, for follow-up questions about the
     * same image, the prompt up to the end of its image tokens (KV cache and kept patches) for
     * selectors that read the image alone (not FastV): a follow-up skips the ViT and the image's
     * prompt pass. Least recently used prompts are dropped beyond {@code prefixCacheBytes}.
     *
     * @param prefixCacheBytes the cache's budget in bytes; 0 keeps nothing (the default)
     */
    public static Llava load(Path modelDir, int threads, WeightOptions weights, long prefixCacheBytes) {
        if (prefixCacheBytes < 0) {
            throw new IllegalArgumentException("prefixCacheBytes must be >= 0, got " + prefixCacheBytes);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        LlavaCheckpoint checkpoint = LlavaCheckpoint.open(modelDir, weights);
        Parallel parallel = null;
        try {
            Tokenizer tokenizer = Tokenizers.load(modelDir);
            ImagePreprocessor preprocessor = ImagePreprocessor.load(modelDir.resolve("preprocessor_config.json"));
            ConsistentModelFiles.check(modelDir, checkpoint.config(), tokenizer, preprocessor.config());
            // More kernel threads than cores only adds contention (500 threads made a 3 s request take 38 s).
            parallel = new Parallel(Math.min(threads, Runtime.getRuntime().availableProcessors()));
            return new Llava(checkpoint, tokenizer, preprocessor, parallel,
                    prefixCacheBytes == 0 ? null : new PrefixCache(prefixCacheBytes));
        } catch (RuntimeException e) {
            if (parallel != null) {
                parallel.close();
            }
            checkpoint.close();
            throw e;
        }
    }

    public LlavaConfig config() {
        return checkpoint.config();
    }

    public LlavaModel model() {
        return model;
    }

    /** The prefix cache (hits, misses, bytes), or null when it is off. */
    public PrefixCache prefixCache() {
        return model.prefixCache();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    public LlavaCheckpoint checkpoint() {
        return checkpoint;
    }

    /** What the checkpoint was trained with: {@code image_aspect_ratio: "pad"} pads, anything else crops. */
    public PreprocessMode defaultPreprocess() {
        return "pad".equals(config().imageAspectRatio()) ? PreprocessMode.PAD : PreprocessMode.CROP;
    }

    /**
     * The prompt ids of a request: BOS, the template's text and the one image token. A text that
     * cannot fit the context beside the image and the new tokens is refused before it is tokenized.
     */
    public int[] promptIds(Request request) {
        var text = config().text();
        long room = (long) text.maxPositionEmbeddings() - config().vision().numPatches() + 1 - request.options().maxNewTokens();
        return tokenizer.encode(request.promptText(), (int) Math.max(0, Math.min(Integer.MAX_VALUE, room)));
    }

    /** The number of kernel threads in use (the cores, if more were asked for). */
    public int threads() {
        return parallel.threads();
    }

    /** The pixels a request's image becomes (its own pixels, or the file preprocessed). */
    public PixelValues pixels(Request request) {
        if (request.pixels() != null) {
            return request.pixels();
        }
        return preprocessor.preprocess(request.image(),
                request.preprocess() == null ? defaultPreprocess() : request.preprocess());
    }

    /**
     * Answers one request.
     *
     * @param onText hears the generated text piece by piece as it becomes final (may be null);
     *               the pieces concatenate to {@link Result#text()}
     * @throws LoadException           if the image file cannot be used, or a memory-mapped weight
     *                                 file changed since load
     * @throws InvalidRequestException if the prompt or options do not fit the model
     */
    public Result generate(Request request, Consumer<String> onText) {
        checkpoint.checkUnchanged();
        long start = System.nanoTime();
        PixelValues pixels = pixels(request);
        double preprocessMs = (System.nanoTime() - start) / 1e6;
        int[] ids = promptIds(request);
        StreamingDecoder stream = tokenizer.streamingDecoder(true);
        GenerationResult result = model.generate(
                new GenerationRequest(pixels.chw(), ids, request.selector(), request.options()),
                onText == null ? null : (step, token, logits) -> emit(onText, stream.push(token)));
        if (onText != null) {
            emit(onText, stream.flush());
        }
        return new Result(tokenizer.decode(result.generatedIds(), true), result.withPreprocess(preprocessMs));
    }

    private static void emit(Consumer<String> onText, String text) {
        if (!text.isEmpty()) {
            onText.accept(text);
        }
    }

    /** Stops the worker threads and unmaps the weights; the model must not be used afterwards. */
    @Override
    public void close() {
        parallel.close();
        checkpoint.close();
    }

    /**
     * One question about one image. Start from {@link #of(Path, String)} or
     * {@link #of(PixelValues, String)} and adjust with the {@code with…} methods.
     *
     * @param image           the image file (PNG or JPEG), or null when {@code pixels} are given
     * @param pixels          preprocessed pixels, or null when {@code image} is given
     * @param preprocess      how the file becomes a square; null follows the checkpoint
     * @param question        the user's question, formatted with {@code template}
     * @param rawPrompt       if not null, used as the prompt text as it is (must hold {@code <image>} once)
     * @param selector        VTC-CLS, a baseline, FastV or PruMerge; null keeps every visual token
     */
    public record Request(Path image, PixelValues pixels, PreprocessMode preprocess, String question,
                          PromptTemplate template, String rawPrompt, TokenSelector selector,
                          GenerationOptions options) {

        public Request {
            if ((image == null) == (pixels == null)) {
                throw new InvalidRequestException("give either an image file or pixel values");
            }
            if (rawPrompt == null && question == null) {
                throw new InvalidRequestException("give a question or a raw prompt");
            }
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(options, "options");
        }

        /** A question about an image file, llava-hf template, greedy, up to 256 new tokens. */
        public static Request of(Path image, String question) {
            return new Request(image, null, null, question, PromptTemplate.LLAVA_HF, null, null,
                    GenerationOptions.greedy(256));
        }

        /** A question about already preprocessed pixels. */
        public static Request of(PixelValues pixels, String question) {
            return new Request(null, pixels, null, question, PromptTemplate.LLAVA_HF, null, null,
                    GenerationOptions.greedy(256));
        }

        /** The prompt text the tokenizer sees. */
        public String promptText() {
            return rawPrompt != null ? rawPrompt : template.format(question);
        }

        public Request withPreprocess(PreprocessMode mode) {
            return new Request(image, pixels, mode, question, template, rawPrompt, selector, options);
        }

        public Request withTemplate(PromptTemplate t) {
            return new Request(image, pixels, preprocess, question, t, rawPrompt, selector, options);
        }

        public Request withRawPrompt(String prompt) {
            return new Request(image, pixels, preprocess, question, template, prompt, selector, options);
        }

        public Request withSelector(TokenSelector s) {
            return new Request(image, pixels, preprocess, question, template, rawPrompt, s, options);
        }

        public Request withOptions(GenerationOptions o) {
            return new Request(image, pixels, preprocess, question, template, rawPrompt, selector, o);
        }
    }

    /**
     * What one request produced: the engine's result (prompt ids, kept patches in the order the
     * decoder saw them, image rows, generated ids, stage timings with the preprocessing) and the
     * generated text, special tokens left out.
     */
    public record Result(String text, GenerationResult generation) {
    }
}
