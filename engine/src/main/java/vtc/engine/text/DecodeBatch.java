package vtc.engine.text;

import java.util.Objects;
import vtc.engine.kernels.Parallel;

/**
 * One decode step for several sequences at once (continuous batching): each sequence adds one
 * token, and every weight matrix is read once for all of them, one activation row per sequence.
 * A decode step is bound by reading the weights, so B sequences cost little more than one.
 *
 * <p>Only attention is per sequence: each row's key and value go to its own {@link KvCache}
 * and the row attends over that cache alone, in the sequence's own {@link DecodeState} scratch,
 * exactly as {@link DecodeState#next} does. Everything else (norms, projections, MLP, lm_head)
 * treats the batch as the rows of one matrix. The matrix kernels compute each output row from
 * its own input row only, so a sequence's logits do not depend on its batch-mates beyond
 * float32 rounding (one to three rows take the very path of a single row; four or more share
 * the widened-weight tiles, which sum in another order).
 *
 * <p>Not thread-safe: one scheduler thread owns a batch and its scratch, reused step after step.
 */
public final class DecodeBatch implements Parallel.RangeTask {

    private final LlamaDecoder decoder;
    private final int hidden;
    private final int qDim;
    private final int kvDim;
    private int maxRows;
    private LayerActivations act;
    private float[] x;
    private float[] normed;
    private float[] logits;

    // The step in flight, read by the attention tasks.
    private DecodeState[] sequences;
    private int[] positions;
    private int layer;

    public DecodeBatch(LlamaDecoder decoder) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        LlamaConfig config = decoder.config();
        this.hidden = config.hiddenSize();
        this.qDim = config.numAttentionHeads() * config.headDim();
        this.kvDim = config.numKeyValueHeads() * config.headDim();
        sizeFor(1);
    }

    /**
     * Runs {@code tokens[i]} at decoder position {@code positions[i]} through every layer of
     * sequence {@code sequences[i]} (appending to its cache), for i in {@code [0, rows)}, and
     * leaves each sequence's next-token logits in the array its {@link DecodeState#next} returns.
     */
    public void step(DecodeState[] sequences, int[] tokens, int[] positions, int rows) {
        if (rows < 1 || rows > sequences.length || rows > tokens.length || rows > positions.length) {
            throw new IllegalArgumentException("a batch step needs 1.." + sequences.length + " rows, got " + rows);
        }
        for (int i = 0; i < rows; i++) {
            if (sequences[i].decoder() != decoder) {
                throw new IllegalArgumentException("sequence " + i + " belongs to another decoder");
            }
        }
        sizeFor(rows);
        for (int i = 0; i < rows; i++) {
            decoder.embed(tokens[i], x, i * hidden);
        }
        this.sequences = sequences;
        this.positions = positions;
        try {
            for (int l = 0; l < decoder.config().numHiddenLayers(); l++) {
                decoder.projectQkv(l, x, rows, positions, act);
                this.layer = l;
                attend(rows);
                decoder.finishLayer(l, x, rows, act);
            }
        } finally {
            this.sequences = null;
            this.positions = null;
        }
        decoder.logitsOfRows(x, rows, normed, logits);
        int vocab = decoder.config().vocabSize();
        for (int i = 0; i < rows; i++) {
            System.arraycopy(logits, i * vocab, sequences[i].logits(), 0, vocab);
        }
    }

    /**
     * Each row's attention in its own sequence. One row alone splits its heads over the pool;
     * several rows go one sequence per task, each attending inline (a nested range runs on the
     * thread that issued it).
     */
    private void attend(int rows) {
        if (true) {
            run(0, rows);
        } else {
            decoder.parallel().forRange(rows, this);
        }
    }

    @Override
    public void run(int from, int to) {
        for (int i = from; i < to; i++) {
            DecodeState s = sequences[i];
            LayerActivations own = s.activations();
            System.arraycopy(act.q, i * qDim, own.q, 0, qDim);
            System.arraycopy(act.k, i * kvDim, own.k, 0, kvDim);
            System.arraycopy(act.v, i * kvDim, own.v, 0, kvDim);
            int[] position = s.position();
            position[0] = positions[i];
            s.cache().append(layer, own.k, own.v, 1, position);
            own.attention.compute(decoder.parallel(), s.cache(), layer, 1, position, false);
            System.arraycopy(own.attended, 0, act.attended, i * qDim, qDim);
        }
    }

    /** Grows the shared scratch to {@code rows} rows (the batch only ever grows). */
    private void sizeFor(int rows) {
        if (rows <= maxRows) {
            return;
        }
        LlamaConfig config = decoder.config();
        maxRows = rows;
        act = new LayerActivations(config, rows, 1);
        x = new float[rows * hidden];
        normed = new float[rows * hidden];
        logits = new float[rows * config.vocabSize()];
    }
}
