package vtc.engine.prune;

/**
 * What a selector needs to know about the vision tower it watches.
 *
 * @param featureLayer F, the last encoder layer that runs (its output feeds the features)
 * @param numHeads     attention heads per encoder layer
 * @param gridSize     patches per side; {@code numPatches = gridSize²}
 */
public record VisionShape(int featureLayer, int numHeads, int gridSize) {

    public int numPatches() {
        return gridSize * gridSize;
    }
}
