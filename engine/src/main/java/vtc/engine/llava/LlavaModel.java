package vtc.engine.llava;

import java.util.Arrays;
import java.util.Objects;
import vtc.engine.kernels.Parallel;
import vtc.engine.prune.Cut;
import vtc.engine.prune.DecoderAttentionObserver;
import vtc.engine.prune.KeptPatches;
import vtc.engine.prune.KeptRows;
import vtc.engine.prune.TokenSelector;
import vtc.engine.prune.VisionShape;
import vtc.engine.text.DecodeState;
import vtc.engine.text.KvCache;
import vtc.engine.text.LlamaConfig;
import vtc.engine.text.LlamaDecoder;
import vtc.engine.text.PromptRows;
import vtc.engine.vision.ClipVisionTower;

/**
 * LLaVA-1.5 generation with optional visual token pruning: ViT up to the feature layer (watched
 * by the request's selection), the selection's cut (before the projector, or before a decoder
 * layer), projector on the kept rows only, splice into the prompt, decoder prefill, then one
 * token per step. The one place where what a selection returns is checked and applied.
 *
 * <p>Thread-safe: every request allocates its own activations and KV cache, and requests that
 * decode at the same time are stepped together by one {@link BatchScheduler} (one pass over the
 * weights per token for all of them), with the tokens each would get alone.
 */
public final class LlavaModel {

    private final LlavaConfig config;
    private final ClipVisionTower vision;
    private final MultiModalProjector projector;
    private final LlamaDecoder decoder;
    private final BatchScheduler scheduler;
    private final PrefixCache prefixCache;
    private final MemoryAdmission admission = new MemoryAdmission();

    /** @param parallel the worker pool every kernel of this model uses, sized by the caller */
    public LlavaModel(LlavaConfig config, LlavaWeights weights, Parallel parallel) {
        this(config, weights, parallel, null);
    }

    /**
     * @param prefixCache where prompts up to the end of their image are kept for follow-up
     *                    questions about the same image, or null to keep none
     */
    public LlavaModel(LlavaConfig config, LlavaWeights weights, Parallel parallel, PrefixCache prefixCache) {
        this.prefixCache = prefixCache;
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
        this.scheduler = new BatchScheduler(decoder, parallel);
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

    BatchScheduler scheduler() {
        return scheduler;
    }

    /** The prefix cache this model fills and reuses, or null. */
    public PrefixCache prefixCache() {
        return prefixCache;
    }

    /** What a visual token selector watches. */
    public VisionShape visionShape() {
        return new VisionShape(config.featureLayer(), config.vision().numAttentionHeads(), config.vision().gridSize());
    }

    /**
     * Runs one request; {@code listener} (may be null) hears each token as it is chosen. A prompt
     * without the image token and without pixels is a text-only request: no vision, no pruning.
     *
     * @throws vtc.engine.stop.GenerationStoppedException if the calling thread is interrupted or
     *         the deadline it runs under passes (see {@link vtc.engine.stop.StopPoints})
     */
    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        int imagePosition = validate(request);
        RequestMemory memory = RequestMemory.of(config, request.promptIds().length, request.options().maxNewTokens());
        try (MemoryAdmission.Ticket admitted = admission.admit(memory.bytes(), memory.describe())) {
            return imagePosition < 0 ? generateText(request, listener) : run(request, listener, imagePosition);
        }
    }

    /** The stages of a request that has been checked and admitted. */
    private GenerationResult run(GenerationRequest request, TokenListener listener, int imagePosition) {
        GenerationOptions options = request.options();

        long start = System.nanoTime();
        PrefixCache.Key prefixKey = prefixKey(request, imagePosition);
        PrefixCache.Entry stored = prefixKey == null ? null : prefixCache.get(prefixKey);
        if (stored != null) {
            return generateAfter(stored, request, imagePosition, start, listener);
        }
        projector.prefetch();
        TokenSelector.Selection selection = begin(request.selector());
        float[] features = vision.patchFeatures(request.pixelValues(), selection, null);
        FiniteValues.require(features, features.length, NonFiniteValuesException.Stage.VISION_FEATURES);
        long visionDone = System.nanoTime();

        ImageRows image = cutBeforeProjector(selection, features);
        long pruneDone = System.nanoTime();

        float[] imageTokens = projector.project(image.rows(), image.count());
        FiniteValues.require(imageTokens, image.count() * config.text().hiddenSize(), NonFiniteValuesException.Stage.IMAGE_TOKENS);
        float[] x = embedPrompt(request.promptIds(), imageTokens, image.count());
        int promptRows = request.promptIds().length - 1 + image.count();
        checkLength(promptRows, options.maxNewTokens());
        KvCache cache = decoder.newCache(promptRows + Math.max(1, options.maxNewTokens()));
        PromptRows prompt = new PromptRows(x, promptRows, config.text().hiddenSize());
        ImageRows reachedTheEnd = prefill(cache, prompt, selection, imagePosition, image);
        float[] logits = lastLogits(x, prompt.rows() - 1);
        // The decode loop checks every step's logits; this one check comes earlier so that a
        // poisoned prompt pass is never stored for the next question about the image.
        FiniteValues.require(logits, logits.length, NonFiniteValuesException.Stage.LOGITS);
        if (prefixKey != null && (selection == null || !selection.cut().isInDecoder())) {
            int rows = imagePosition + image.count();
            prefixCache.put(prefixKey, new PrefixCache.Entry(cache.copyPrefix(rows, rows), rows, image.patches(), image.count()));
        }
        long prefillDone = System.nanoTime();

        int[] generated = decode(cache, logits, promptRows, options, listener);
        long decodeDone = System.nanoTime();

        Timings timings = new Timings(0, millis(start, visionDone), millis(visionDone, pruneDone),
                millis(pruneDone, prefillDone), millis(prefillDone, decodeDone));
        return new GenerationResult(request.promptIds().clone(), config.vision().numPatches(),
                reachedTheEnd.patches(), reachedTheEnd.count(), generated, timings);
    }

    /** A prompt with no image: the decoder alone (a selector has nothing to prune and is not asked). */
    private GenerationResult generateText(GenerationRequest request, TokenListener listener) {
        int[] ids = request.promptIds();
        long start = System.nanoTime();
        float[] x = embedIds(ids, 0, ids.length);
        KvCache cache = decoder.newCache(ids.length + Math.max(1, request.options().maxNewTokens()));
        decoder.prefill(cache, new PromptRows(x, ids.length, config.text().hiddenSize()), null);
        float[] logits = lastLogits(x, ids.length - 1);
        long prefillDone = System.nanoTime();
        int[] generated = decode(cache, logits, ids.length, request.options(), listener);
        Timings timings = new Timings(0, 0, 0, millis(start, prefillDone), millis(prefillDone, System.nanoTime()));
        return new GenerationResult(ids.clone(), 0, new int[0], 0, generated, timings);
    }

    /**
     * The key of a request's prompt prefix, or null when it cannot be reused: no cache, a
     * selector whose choice may look at the question, or no question tokens after the image.
     */
    private PrefixCache.Key prefixKey(GenerationRequest request, int imagePosition) {
        if (prefixCache == null || imagePosition == request.promptIds().length - 1) {
            return null;
        }
        String selector = request.selector() == null ? "all patches" : request.selector().imageOnlyKey();
        return selector == null ? null : new PrefixCache.Key(request.pixelValues(), selector, request.promptIds(), imagePosition);
    }

    /** A follow-up on a stored prefix: only the prompt's tokens after the image go through the decoder. */
    private GenerationResult generateAfter(PrefixCache.Entry prefix, GenerationRequest request, int imagePosition,
                                           long start, TokenListener listener) {
        int[] ids = request.promptIds();
        GenerationOptions options = request.options();
        int d = config.text().hiddenSize();
        int question = ids.length - 1 - imagePosition;
        int promptRows = prefix.rows() + question;
        checkLength(promptRows, options.maxNewTokens());
        KvCache cache = prefix.prefix().copyPrefix(prefix.rows(), promptRows + Math.max(1, options.maxNewTokens()));
        float[] x = embedIds(ids, imagePosition + 1, question);
        int[] positions = new int[question];
        for (int i = 0; i < question; i++) {
            positions[i] = prefix.rows() + i;
        }
        decoder.prefill(cache, new PromptRows(x, positions, question, d), null);
        float[] logits = lastLogits(x, question - 1);
        long prefillDone = System.nanoTime();

        int[] generated = decode(cache, logits, promptRows, options, listener);
        Timings timings = new Timings(0, 0, 0, millis(start, prefillDone), millis(prefillDone, System.nanoTime()));
        return new GenerationResult(ids.clone(), config.vision().numPatches(), prefix.patches().clone(),
                prefix.imageRows(), generated, timings);
    }

    /** The embeddings of {@code ids[from .. from + count)} as the rows of a new {@code [count, hidden]} array. */
    private float[] embedIds(int[] ids, int from, int count) {
        int d = config.text().hiddenSize();
        float[] x = new float[count * d];
        for (int i = 0; i < count; i++) {
            decoder.embed(ids[from + i], x, i * d);
        }
        return x;
    }

    /** The logits of row {@code row} of the prompt pass's output (the decode loop checks them). */
    private float[] lastLogits(float[] x, int row) {
        float[] logits = new float[config.text().vocabSize()];
        decoder.logits(x, row, logits);
        return logits;
    }

    /**
     * The rows that stand for the image: which patches they come from (output order) and, before
     * the projector, the rows themselves ({@code count × width}).
     */
    private record ImageRows(int[] patches, float[] rows, int count) {
    }

    /**
     * Starts a request's selection and checks what it declares against this model, before any
     * compute: a cut inside the decoder needs a layer before it, and only a tower that holds the
     * last layer's query/key weights can show them.
     */
    private TokenSelector.Selection begin(TokenSelector selector) {
        if (selector == null) {
            return null;
        }
        TokenSelector.Selection selection = selector.begin(visionShape());
        Cut cut = selection.cut();
        int layers = config.text().numHiddenLayers();
        if (cut.isInDecoder() && cut.decoderLayer() >= layers) {
            throw new InvalidRequestException(selector + " cuts before decoder layer K = " + cut.decoderLayer()
                    + ", but the decoder has " + layers + " layers: K must be in [1, " + (layers - 1) + "]");
        }
        if (selection.wantsLastLayerQueryKey() && !vision.hasLastLayerQueryKey()) {
            throw new InvalidRequestException(selector + " needs the last vision layer's layer_norm1, q_proj and k_proj "
                    + "(layer " + (config.vision().numHiddenLayers() - 1) + "), which this checkpoint or "
                    + "vision_feature_layer " + config.visionFeatureLayer() + " does not provide");
        }
        return selection;
    }

    /** All N feature rows, or the rows a cut before the projector keeps, gathered in output order. */
    private ImageRows cutBeforeProjector(TokenSelector.Selection selection, float[] features) {
        int n = config.vision().numPatches();
        int d = config.vision().hiddenSize();
        if (selection == null || selection.cut().isInDecoder()) {
            return new ImageRows(allIndices(n), features, n);
        }
        KeptPatches kept = selection.keepPatches(features, d);
        int[] patches = KeptRows.checked(kept.indices(), n, false, selection);
        float[] merged = kept.mergedRows();
        if (merged == null) {
            float[] rows = new float[patches.length * d];
            KeptRows.gather(features, d, patches, rows);
            return new ImageRows(patches, rows, patches.length);
        }
        if (merged.length % d != 0 || merged.length / d < patches.length) {
            throw new IllegalStateException(selection.getClass().getSimpleName() + " merged " + merged.length
                    + " floats for " + patches.length + " kept patches; it must give whole rows of " + d
                    + ", one per kept patch and then any extra rows");
        }
        return new ImageRows(patches, merged, merged.length / d);
    }

    /**
     * The prompt pass. With a cut before decoder layer K, layers 0..K−1 run on every row, the
     * selection sees layer K−1's last-row attention on the image rows, and layers K.. run on the
     * text rows and the kept image rows only, at their original positions.
     *
     * @return the image rows that reached the end of the decoder
     */
    private ImageRows prefill(KvCache cache, PromptRows prompt, TokenSelector.Selection selection, int imageStart,
                              ImageRows image) {
        if (selection == null || !selection.cut().isInDecoder()) {
            decoder.prefill(cache, prompt, null);
            return image;
        }
        int k = selection.cut().decoderLayer();
        float[] imageAttention = new float[image.count()];
        decoder.prefill(cache, prompt, 0, k, new DecoderAttentionObserver() {
            @Override
            public boolean wantsLayer(int layer) {
                return layer == k - 1;
            }

            @Override
            public void lastTokenAttention(int layer, float[] headMean, int[] keyPositions, int keys) {
                for (int i = 0; i < keys; i++) {
                    int j = keyPositions[i] - imageStart;
                    if (j >= 0 && j < imageAttention.length) {
                        imageAttention[j] = headMean[i];
                    }
                }
            }
        });
        int[] kept = KeptRows.checked(selection.keepImageTokens(imageAttention), image.count(), true, selection);
        prompt.keepRows(textAndKeptImageRows(prompt.rows(), imageStart, image.count(), kept));
        decoder.prefill(cache, prompt, k, config.text().numHiddenLayers(), null);
        int[] patches = new int[kept.length];
        for (int i = 0; i < kept.length; i++) {
            patches[i] = image.patches()[kept[i]];
        }
        return new ImageRows(patches, null, kept.length);
    }

    /** Row indices, ascending: every text row and image row {@code imageStart + kept[j]}. */
    private static int[] textAndKeptImageRows(int rows, int imageStart, int imageCount, int[] kept) {
        int[] out = new int[rows - imageCount + kept.length];
        int next = 0;
        for (int i = 0; i < imageStart; i++) {
            out[next++] = i;
        }
        for (int j : kept) {
            out[next++] = imageStart + j;
        }
        for (int i = imageStart + imageCount; i < rows; i++) {
            out[next++] = i;
        }
        return out;
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

    /**
     * The first token comes from the prefill logits, each next one from a step of the shared batch.
     * Each step's logits are checked before the token drawn from them reaches the listener.
     */
    private int[] decode(KvCache cache, float[] prefillLogits, int promptRows, GenerationOptions options,
                         TokenListener listener) {
        TokenListener finite = new TokenListener() {
            @Override
            public void onToken(int step, int token, float[] logits) {
                FiniteValues.require(logits, logits.length, NonFiniteValuesException.Stage.LOGITS);
                if (listener != null) {
                    listener.onToken(step, token, logits);
                }
            }

            @Override
            public boolean finished() {
                return listener != null && listener.finished();
            }
        };
        return scheduler.generate(cache, prefillLogits, promptRows, options, finite);
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
        if (request.pixelValues() != null) {
            FiniteValues.require(request.pixelValues(), request.pixelValues().length,
                    NonFiniteValuesException.Stage.PIXEL_VALUES);
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
        return imagePosition;
    }

    /** A merge can add rows; the prompt it makes must still fit the positions. */
    private void checkLength(int promptRows, int maxNewTokens) {
        long total = (long) promptRows + maxNewTokens;
        if (total > config.text().maxPositionEmbeddings()) {
            throw new InvalidRequestException("prompt (" + promptRows + " rows after pruning) + " + maxNewTokens
                    + " new tokens = " + total + " exceeds max_position_embeddings " + config.text().maxPositionEmbeddings());
        }
    }

    /**
     * A KV cache row of one layer is one Java array, so its length is bounded whatever the heap;
     * whether the memory is there is {@link MemoryAdmission}'s question, asked in {@link #generate}.
     */
    private void checkCacheFits(long positions) {
        LlamaConfig text = config.text();
        long kvDim = (long) text.numKeyValueHeads() * text.headDim();
        if (positions * kvDim > Integer.MAX_VALUE - 8) {
            throw new InvalidRequestException("the KV cache for " + positions + " positions needs "
                    + positions * kvDim + " floats per layer, more than one Java array holds; ask for fewer new tokens");
        }
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
