package vtc.loaders.image;

/** How a non-square image becomes the S×S square the vision tower sees. */
public enum PreprocessMode {
    /** Hugging Face CLIPImageProcessor (llava-hf): shortest edge to S, then the centre S×S; the sides are lost. */
    CROP,
    /** Original LLaVA-1.5 {@code image_aspect_ratio = "pad"}: paste on a square of the mean colour first, then as CROP; nothing is lost. */
    PAD
}
