package vtc.loaders.safetensors;

/** Where a loaded checkpoint's bytes live while the model runs. */
public enum WeightStorage {

    /**
     * Read into memory the process owns (the default): nothing another process does to the file
     * afterwards can crash the JVM or change an answer, and the kernel cannot page the weights
     * out. Needs RAM for the whole checkpoint.
     */
    IN_MEMORY,

    /**
     * Memory-mapped from the file, for machines with less RAM than the model. Risk: the file must
     * not change while the model runs. A file truncated under a running request makes the JVM
     * die with SIGBUS inside the kernels, and one rewritten in place silently changes answers.
     * New requests are refused once the file's size or modification time differ from load time,
     * but that check cannot protect a request already running. Idle pages may also be evicted
     * and read back from disk during a request.
     */
    MAPPED
}
