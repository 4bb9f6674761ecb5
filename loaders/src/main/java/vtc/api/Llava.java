package vtc.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.Conversation;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationRequest;
import vtc.engine.llava.GenerationResult;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.llava.LlavaModel;
import vtc.engine.llava.PrefixCache;
import vtc.engine.llava.PromptTemplate;
import vtc.engine.llava.TokenListener;
import vtc.engine.prune.TokenSelector;
import vtc.engine.stop.GenerationStoppedException;
import vtc.engine.stop.StopPoints;
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
 * A LLaVA-1.5 model ready to answer questions about images (or chat without one): load once, call {@link #generate}
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
    private final AtomicBoolean closed = new AtomicBoolean();

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
     * The prompt ids of a request: BOS and the conversation formatted with its template, where only
     * the template's markup holds control tokens (a {@code </s>} or {@code <image>} a speaker typed
     * is text); a raw prompt as it is. A text that cannot fit the context beside the image and the
     * new tokens is refused before it is tokenized.
     */
    public int[] promptIds(Request request) {
        var text = config().text();
        boolean image = request.image() != null || request.pixels() != null;
        // the image's tokens take the place of its one placeholder token
        long imageRows = image ? config().vision().numPatches() - 1 : 0;
        long room = (long) text.maxPositionEmbeddings() - imageRows - request.options().maxNewTokens();
        int maxTokens = (int) Math.max(0, Math.min(Integer.MAX_VALUE, room));
        if (request.rawPrompt() != null) {
            return tokenizer.encode(request.rawPrompt(), maxTokens);
        }
        return tokenizer.encode(request.template().render(request.conversation()).stream()
                .map(p -> new Tokenizer.Segment(p.text(), !p.markup())).toList(), maxTokens);
    }

    /** The number of kernel threads in use (the cores, if more were asked for). */
    public int threads() {
        return parallel.threads();
    }

    /** The pixels a request's image becomes (its own pixels, or the file preprocessed), or null without an image. */
    public PixelValues pixels(Request request) {
        if (request.pixels() != null) {
            return request.pixels();
        }
        if (request.image() == null) {
            return null;
        }
        return preprocessor.preprocess(request.image(),
                request.preprocess() == null ? defaultPreprocess() : request.preprocess());
    }

    /**
     * Answers one request.
     *
     * @param onText hears the generated text piece by piece as it becomes final (may be null);
     *               the pieces concatenate to {@link Result#text()}. Pieces after the first come
     *               from the decode batch's thread.
     * @throws LoadException              if the image file cannot be used, or a memory-mapped
     *                                    weight file changed since load
     * @throws InvalidRequestException    if the prompt or options do not fit the model
     * @throws GenerationStoppedException if the calling thread is interrupted (this is how
     *         {@code Future.cancel(true)} stops a request) or the request's timeout passes; the
     *         model stays usable
     */
    public Result generate(Request request, Consumer<String> onText) {
        if (closed.get()) {
            throw new IllegalStateException("this Llava is closed");
        }
        checkpoint.checkUnchanged();
        if (request.timeout() == null) {
            return run(request, onText);
        }
        long deadline = System.nanoTime() + request.timeout().toNanos();
        return StopPoints.withDeadline(deadline, () -> run(request, onText));
    }

    private Result run(Request request, Consumer<String> onText) {
        boolean hasImage = request.image() != null || request.pixels() != null;
        if (request.rawPrompt() == null && request.conversation().hasImage() != hasImage) {
            throw new InvalidRequestException(hasImage ? "an image was given but no message holds it"
                    : "a message holds the image but no image was given");
        }
        long start = System.nanoTime();
        PixelValues pixels = pixels(request);
        double preprocessMs = (System.nanoTime() - start) / 1e6;
        int[] ids = promptIds(request);
        StreamingDecoder stream = tokenizer.streamingDecoder(true);
        StopStrings stops = new StopStrings(request.stop());
        StringBuilder text = new StringBuilder();
        Consumer<String> sink = piece -> {
            String out = stops.push(piece);
            if (!out.isEmpty()) {
                text.append(out);
                if (onText != null) {
                    onText.accept(out);
                }
            }
        };
        GenerationResult result = model.generate(
                new GenerationRequest(pixels == null ? null : pixels.chw(), ids, request.selector(), request.options()),
                new TokenListener() {
                    @Override
                    public void onToken(int step, int token, float[] logits) {
                        sink.accept(stream.push(token));
                    }

                    @Override
                    public boolean finished() {
                        return stops.matched();
                    }
                });
        sink.accept(stream.flush());
        sink.accept(stops.flush());
        int[] generated = result.generatedIds();
        boolean ended = stops.matched() || (request.options().stopAtEos() && generated.length > 0
                && config().text().isEos(generated[generated.length - 1]));
        return new Result(text.toString(), result.withPreprocess(preprocessMs),
                ended ? FinishReason.STOP : FinishReason.LENGTH);
    }

    /** Stops the worker threads and frees the weights; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            parallel.close();
            checkpoint.close();
        }
    }

    /**
     * One conversation (with one image or none) to answer. Start from {@link #of(Path, String)},
     * {@link #of(PixelValues, String)} or {@link #of(Conversation)} and adjust with the
     * {@code with…} methods.
     *
     * @param image        the image file, or null
     * @param pixels       preprocessed pixels, or null (at most one of image and pixels)
     * @param preprocess   how the file becomes a square; null follows the checkpoint
     * @param conversation the messages, formatted with {@code template}; the message marked as
     *                     holding the image gets it
     * @param rawPrompt    if not null, used as the prompt text as it is, control tokens included
     *                     (holds {@code <image>} once when there is an image)
     * @param selector     VTC-CLS, a baseline, FastV or PruMerge; null keeps every visual token
     * @param stop         strings that end the answer (left out of it); empty for none
     * @param timeout      how long the request may run before it stops, or null for no limit
     */
    public record Request(Path image, PixelValues pixels, PreprocessMode preprocess, Conversation conversation,
                          PromptTemplate template, String rawPrompt, TokenSelector selector,
                          GenerationOptions options, List<String> stop, Duration timeout) {

        public Request {
            if (image != null && pixels != null) {
                throw new InvalidRequestException("give an image file or pixel values, not both");
            }
            if (rawPrompt == null && conversation == null) {
                throw new InvalidRequestException("give a conversation or a raw prompt");
            }
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(options, "options");
            stop = stop == null ? List.of() : List.copyOf(stop);
            if (stop.stream().anyMatch(String::isEmpty)) {
                throw new InvalidRequestException("stop strings must not be empty");
            }
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new InvalidRequestException("timeout must be positive, got " + timeout);
            }
        }

        /** A question about an image file, llava-hf template, greedy, up to 256 new tokens. */
        public static Request of(Path image, String question) {
            return of(Conversation.ofImageQuestion(question)).withImage(image);
        }

        /** A question about already preprocessed pixels. */
        public static Request of(PixelValues pixels, String question) {
            return of(Conversation.ofImageQuestion(question)).withPixels(pixels);
        }

        /** A conversation; give its image with {@link #withImage} or {@link #withPixels}. */
        public static Request of(Conversation conversation) {
            return new Request(null, null, null, conversation, PromptTemplate.LLAVA_HF, null, null,
                    GenerationOptions.greedy(256), null, null);
        }

        /** The prompt text the tokenizer sees. */
        public String promptText() {
            return rawPrompt != null ? rawPrompt : PromptTemplate.text(template.render(conversation));
        }

        /** The image file (replacing any pixels given before). */
        public Request withImage(Path file) {
            return new Request(file, null, preprocess, conversation, template, rawPrompt, selector, options, stop, timeout);
        }

        /** Preprocessed pixels (replacing any image file given before). */
        public Request withPixels(PixelValues values) {
            return new Request(null, values, preprocess, conversation, template, rawPrompt, selector, options, stop,
                    timeout);
        }

        public Request withPreprocess(PreprocessMode mode) {
            return new Request(image, pixels, mode, conversation, template, rawPrompt, selector, options, stop, timeout);
        }

        public Request withTemplate(PromptTemplate t) {
            return new Request(image, pixels, preprocess, conversation, t, rawPrompt, selector, options, stop, timeout);
        }

        public Request withRawPrompt(String prompt) {
            return new Request(image, pixels, preprocess, conversation, template, prompt, selector, options, stop,
                    timeout);
        }

        public Request withSelector(TokenSelector s) {
            return new Request(image, pixels, preprocess, conversation, template, rawPrompt, s, options, stop, timeout);
        }

        public Request withOptions(GenerationOptions o) {
            return new Request(image, pixels, preprocess, conversation, template, rawPrompt, selector, o, stop, timeout);
        }

        public Request withStop(List<String> strings) {
            return new Request(image, pixels, preprocess, conversation, template, rawPrompt, selector, options, strings,
                    timeout);
        }

        public Request withTimeout(Duration limit) {
            return new Request(image, pixels, preprocess, conversation, template, rawPrompt, selector, options, stop,
                    limit);
        }
    }

    /** Why the answer ended: an end-of-sequence token or a stop string, or the token limit. */
    public enum FinishReason { STOP, LENGTH }

    /**
     * What one request produced: the engine's result (prompt ids, kept patches in the order the
     * decoder saw them, image rows, generated ids, stage timings with the preprocessing), the
     * generated text (special tokens left out, cut before a stop string) and why it ended.
     */
    public record Result(String text, GenerationResult generation, FinishReason finishReason) {
    }
}
