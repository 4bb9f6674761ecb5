package vtc.engine.llava;

import java.util.Arrays;
import java.util.Objects;
import vtc.engine.kernels.Parallel;
import vtc.engine.prune.DecoderTokenSelector;
import vtc.engine.prune.VisionShape;
import vtc.engine.prune.VisualTokenSelector;
import vtc.engine.stop.GenerationStoppedException;
import vtc.engine.stop.StopPoints;
import vtc.engine.stop.StopReason;
import vtc.engine.text.DecodeState;
import vtc.engine.text.KvCache;
import vtc.engine.text.LlamaConfig;
import vtc.engine.text.LlamaDecoder;
import vtc.engine.text.PrefillResult;
import vtc.engine.vision.ClipVisionTower;

/**
 * LLaVA-1.5 generation with optional visual token pruning: ViT up to the feature layer (watched
 * by the visual selector), compaction of the kept features, projector on the kept rows only,
 * splice into the prompt, decoder prefill (optionally with FastV), then one token per step.
 *
 * <p>Immutable and thread-safe: every request allocates its own activations and KV cache.
 */
public final class LlavaModel {

    private final LlavaConfig config;
    private final ClipVisionTower vision;
    private final MultiModalProjector projector;
    private final LlamaDecoder decoder;

    /** @param parallel the worker pool every kernel of this model uses, sized by the caller */
    public LlavaModel(LlavaConfig config, LlavaWeights weights, Parallel parallel) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(weights, "weights");
        int featureHiddenIndex = config.featureHiddenIndex();
        if (featureHiddenIndex < 1 || featureHiddenIndex > config.vision().numHiddenLayers()) {
            throw new IllegalArgumentException("vision_feature_layer " + config.visionFeatureLayer()
                    + " does not name an encoder layer of " + config.vision().numHiddenLayers());
        }
        this.vision = new ClipVisionTower(config.vision(), weights.vision(), featureHiddenIndex, parallel);
        this.projector = new MultiModalProjector(weights.projector(), parallel);
        this.decoder = new LlamaDecoder(config.text(), weights.text(), parallel);
        if (projector.inputSize() != config.vision().hiddenSize() || projector.outputSize() != config.text().hiddenSize()) {
            throw new IllegalArgumentException("projector maps " + projector.inputSize() + " -> " + projector.outputSize()
                    + " but the vision tower gives " + config.vision().hiddenSize() + " and the decoder takes "
                    + config.text().hiddenSize());
        }
    }

    public LlavaConfig config() {
        return config;
    }

    public ClipVisionTower vision() {
        return vision;
    }

    public MultiModalProjector projector() {
        return projector;
    }

    public LlamaDecoder decoder() {
        return decoder;
    }

    /** What a visual token selector watches. */
    public VisionShape visionShape() {
        return new VisionShape(config.featureLayer(), config.vision().numAttentionHeads(), config.vision().gridSize());
    }

    /**
     * Runs one request; {@code listener} (may be null) hears each token as it is chosen. A prompt
     * without the image token and without pixels is a text-only request: no vision, no pruning.
     *
     * @throws vtc.engine.stop.GenerationStoppedException if the thread is interrupted or the
     *         deadline it runs under passes (see {@link vtc.engine.stop.StopPoints})
     */
    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        int imagePosition = validate(request);
        if (imagePosition < 0) {
            return generateText(request, listener);
        }
        GenerationOptions options = request.options();
        int n = config.vision().numPatches();

        long start = System.nanoTime();
        projector.prefetch();
        VisualTokenSelector.Selection selection =
                request.visualSelector() == null ? null : request.visualSelector().begin(visionShape());
        float[] features = vision.patchFeatures(request.pixelValues(), selection, null);
        long visionDone = System.nanoTime();

        int[] kept = selection == null ? allIndices(n) : checkedKeep(selection.keep(), n, request.visualSelector());
        compactRows(features, config.vision().hiddenSize(), kept);
        long pruneDone = System.nanoTime();

        float[] imageTokens = projector.project(features, kept.length);
        float[] x = embedPrompt(request.promptIds(), imageTokens, kept.length);
        int promptRows = request.promptIds().length - 1 + kept.length;
        int[] positions = allIndices(promptRows);
        KvCache cache = decoder.newCache(promptRows + Math.max(1, options.maxNewTokens()));
        DecoderTokenSelector fastv = request.decoderSelector();
        PrefillResult prefill = decoder.prefill(cache, x, promptRows, positions, fastv, imagePosition, kept.length, null);
        float[] logits = new float[config.text().vocabSize()];
        decoder.logits(x, prefill.rows() - 1, logits);
        long prefillDone = System.nanoTime();

        int[] generated = decode(cache, logits, promptRows, options, listener);
        long decodeDone = System.nanoTime();

        int[] reachedDecoderEnd = prefill.keptImageIndices() == null ? kept : pick(kept, prefill.keptImageIndices());
        Timings timings = new Timings(millis(start, visionDone), millis(visionDone, pruneDone),
                millis(pruneDone, prefillDone), millis(prefillDone, decodeDone));
        return new GenerationResult(request.promptIds().clone(), n, reachedDecoderEnd, generated, timings);
    }

    /** A prompt with no image: the decoder alone (selectors have nothing to prune and are not asked). */
    private GenerationResult generateText(GenerationRequest request, TokenListener listener) {
        int[] ids = request.promptIds();
        long start = System.nanoTime();
        int d = config.text().hiddenSize();
        float[] x = new float[ids.length * d];
        for (int i = 0; i < ids.length; i++) {
            decoder.embed(ids[i], x, i * d);
        }
        KvCache cache = decoder.newCache(ids.length + Math.max(1, request.options().maxNewTokens()));
        decoder.prefill(cache, x, ids.length, allIndices(ids.length), null, 0, 0, null);
        float[] logits = new float[config.text().vocabSize()];
        decoder.logits(x, ids.length - 1, logits);
        long prefillDone = System.nanoTime();
        int[] generated = decode(cache, logits, ids.length, request.options(), listener);
        Timings timings = new Timings(0, 0, millis(start, prefillDone), millis(prefillDone, System.nanoTime()));
        return new GenerationResult(ids.clone(), 0, new int[0], generated, timings);
    }

    /**
     * The decoder input: each prompt id's embedding, with the one image token replaced by
     * {@code imageRows} rows of {@code imageTokens}. {@code [ids − 1 + imageRows, hidden]}.
     */
    public float[] embedPrompt(int[] promptIds, float[] imageTokens, int imageRows) {
        int imagePosition = imagePosition(promptIds);
        int d = config.text().hiddenSize();
        float[] x = new float[(promptIds.length - 1 + imageRows) * d];
        int row = 0;
        for (int i = 0; i < promptIds.length; i++) {
            if (i == imagePosition) {
                System.arraycopy(imageTokens, 0, x, row * d, imageRows * d);
                row += imageRows;
            } else {
                decoder.embed(promptIds[i], x, row * d);
                row++;
            }
        }
        return x;
    }

    /** Index of the one image token in {@code promptIds}; none or several is an invalid request. */
    public int imagePosition(int[] promptIds) {
        int at = imagePositionOrNone(promptIds);
        if (at < 0) {
            throw new InvalidRequestException("the prompt holds no image token (id " + config.imageTokenIndex() + ")");
        }
        return at;
    }

    /** Index of the image token in {@code promptIds}, or −1 if there is none; several is an invalid request. */
    private int imagePositionOrNone(int[] promptIds) {
        int at = -1;
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] == config.imageTokenIndex()) {
                if (at >= 0) {
                    throw new InvalidRequestException("the prompt holds the image token " + config.imageTokenIndex()
                            + " more than once (positions " + at + " and " + i + "); exactly one is supported");
                }
                at = i;
            }
        }
        return at;
    }

    /** Sampling loop: the first token comes from the prefill logits, each next one from a decode step. */
    private int[] decode(KvCache cache, float[] prefillLogits, int promptRows, GenerationOptions options,
                         TokenListener listener) {
        LlamaConfig text = config.text();
        TokenSampler sampler = new TokenSampler(options, text.vocabSize());
        DecodeState state = options.maxNewTokens() > 1 ? decoder.decodeState(cache) : null;
        int[] generated = new int[options.maxNewTokens()];
        float[] logits = prefillLogits;
        int count = 0;
        while (count < generated.length) {
            int token = sampler.next(logits);
            generated[count] = token;
            if (listener != null) {
                listener.onToken(count, token, logits);
            }
            count++;
            if ((options.stopAtEos() && text.isEos(token)) || count == generated.length
                    || (listener != null && listener.finished())) {
                break;
            }
            StopReason stop = StopPoints.pending();
            if (stop != null) {
                throw new GenerationStoppedException(stop, "decode", Arrays.copyOf(generated, count));
            }
            logits = state.next(token, promptRows + count - 1);
        }
        return Arrays.copyOf(generated, count);
    }

    /** Everything checked before any compute; returns the image token's index, −1 for a text-only prompt. */
    private int validate(GenerationRequest request) {
        int[] ids = request.promptIds();
        int imagePosition = request.pixelValues() == null ? imagePositionOrNone(ids) : imagePosition(ids);
        if (request.pixelValues() == null && imagePosition >= 0) {
            throw new InvalidRequestException("the prompt holds the image token at index " + imagePosition
                    + " but no image was given");
        }
        if (ids.length == 0) {
            throw new InvalidRequestException("the prompt holds no token");
        }
        int channels = config.vision().numChannels();
        int size = config.vision().imageSize();
        if (request.pixelValues() != null && request.pixelValues().length != channels * size * size) {
            throw new InvalidRequestException("pixel values hold " + request.pixelValues().length
                    + " floats, the vision tower needs [" + channels + ", " + size + ", " + size + "]");
        }
        int vocab = config.text().vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (i != imagePosition && (ids[i] < 0 || ids[i] >= vocab)) {
                throw new InvalidRequestException("prompt id " + ids[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        int imageRows = imagePosition < 0 ? 0 : config.vision().numPatches();
        int textRows = imagePosition < 0 ? ids.length : ids.length - 1;
        long total = (long) textRows + imageRows + request.options().maxNewTokens();
        if (total > config.text().maxPositionEmbeddings()) {
            throw new InvalidRequestException("prompt (" + textRows + " text tokens + "
                    + imageRows + " image tokens) + " + request.options().maxNewTokens()
                    + " new tokens = " + total + " exceeds max_position_embeddings "
                    + config.text().maxPositionEmbeddings());
        }
        checkCacheFits(total);
        DecoderTokenSelector fastv = request.decoderSelector();
        if (fastv != null && (fastv.layer() < 1 || fastv.layer() >= config.text().numHiddenLayers())) {
            throw new InvalidRequestException("FastV layer K must be in [1, " + (config.text().numHiddenLayers() - 1)
                    + "], got " + fastv.layer());
        }
        return imagePosition;
    }

    /** A request whose KV cache cannot be allocated is refused here, not by an OutOfMemoryError mid-way. */
    private void checkCacheFits(long positions) {
        LlamaConfig text = config.text();
        int kvDim = text.numKeyValueHeads() * text.headDim();
        long bytes = KvCache.bytes(text.numHiddenLayers(), kvDim, positions);
        long heap = Runtime.getRuntime().maxMemory();
        if (positions * kvDim > Integer.MAX_VALUE - 8 || bytes > heap) {
            throw new InvalidRequestException(String.format(
                    "the KV cache for %d positions needs %.1f GB, more than the heap's %.1f GB; ask for fewer new tokens",
                    positions, bytes / 1e9, heap / 1e9));
        }
    }

    private static int[] checkedKeep(int[] keep, int n, VisualTokenSelector selector) {
        String who = selector.getClass().getSimpleName();
        if (keep == null || keep.length == 0) {
            throw new IllegalStateException(who + " kept no visual token");
        }
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] < 0 || keep[i] >= n || (i > 0 && keep[i] <= keep[i - 1])) {
                throw new IllegalStateException(who + " must keep strictly ascending patch indices in [0, " + n
                        + "), got " + Arrays.toString(keep));
            }
        }
        return keep.clone();
    }

    /** Moves row {@code keep[i]} to row i; ascending indices make the in-place copy safe. */
    private static void compactRows(float[] rows, int width, int[] keep) {
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] != i) {
                System.arraycopy(rows, keep[i] * width, rows, i * width, width);
            }
        }
    }

    private static int[] pick(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    private static int[] allIndices(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static double millis(long from, long to) {
        return (to - from) / 1e6;
    }
}
