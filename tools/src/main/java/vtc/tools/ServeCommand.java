package vtc.tools;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import vtc.api.Llava;
import vtc.pruning.PruningParameterException;
import vtc.server.ChatServer;
import vtc.server.PruningChoice;
import vtc.server.ServerSettings;

/** {@code vtc serve}: the OpenAI-compatible chat completions API over one loaded model. */
final class ServeCommand implements Command {

    /** The server keeps follow-up questions about an image cheap by default. */
    static final int DEFAULT_PREFIX_CACHE_MB = 1024;

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve an OpenAI-compatible API (/v1/chat/completions, /v1/models, /health, /metrics)";
    }

    @Override
    public String help() {
        return """
                usage: vtc serve --model DIR [options]

                  --model DIR            Hugging Face LLaVA-1.5 directory
                  --host H               address to bind (default 127.0.0.1: this machine only)
                  --port P               default 8080; 0 picks a free port
                  --api-key KEY          require "Authorization: Bearer KEY" (all but /health)
                  --model-id NAME        the model name clients use (default: the directory's name)
                  --method M             default pruning of image requests: vtc-cls | fastv | prumerge |
                                         prumerge+ | random | uniform | none (default vtc-cls); a request's
                                         "vtc" field overrides it
                  --layers K, --keep U   the default method's options (see vtc generate --help)
                  --template T           llava-hf (default) | vicuna_v1
                  --parallel N           requests generating at once (default 2; they share the threads)
                  --queue N              requests waiting for a turn; beyond it 503 (default 64)
                  --max-body-mb N        larger request bodies get 413 (default 20)
                  --timeout S            stop a request after S seconds (default: no limit)
                  --prefix-cache MB      keep each image's prompt up to its image tokens, so a follow-up
                                         question about the same image skips the ViT and the image's
                                         prompt pass (not for FastV); default 1024, 0 = off
                  --threads N            kernel threads (default: all cores)
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("host", "port", "api-key", "model-id", "template", "parallel",
                "queue", "max-body-mb", "timeout", "prefix-cache"));
        names.addAll(ModelArguments.OPTIONS);
        names.addAll(PruningArguments.OPTIONS);
        return names;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    /** The default pruning from --method/--layers/--keep, refused now rather than on the first request. */
    private static PruningChoice pruning(CommandLine line) {
        try {
            String layers = line.value("layers");
            String keep = line.value("keep");
            return new PruningChoice(line.value("method", "vtc-cls"),
                    layers == null ? null : line.integer("layers", 0, 1),
                    keep == null ? null : PruningArguments.keepBudget(keep));
        } catch (PruningParameterException e) {
            throw new UsageException("--" + e.getMessage());
        }
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        line.positionals(0, "no positional arguments");
        PruningChoice pruning = pruning(line);
        if ("raw".equals(line.value("template"))) {
            throw new UsageException("serve: --template raw is for vtc generate; a chat needs llava-hf or vicuna_v1");
        }
        String modelId = line.value("model-id", ModelArguments.modelDir(line).toAbsolutePath().normalize()
                .getFileName().toString());
        int timeout = line.integer("timeout", 0, 0);
        ServerSettings settings = new ServerSettings(line.value("host", ServerSettings.DEFAULT_HOST),
                line.integer("port", 8080, 0), modelId, line.value("api-key"), pruning,
                GenerateCommand.template(line), line.integer("parallel", 2, 1), line.integer("queue", 64, 0),
                (long) line.integer("max-body-mb", 20, 1) << 20, timeout == 0 ? null : Duration.ofSeconds(timeout));
        Llava llava = ModelArguments.load(line, terminal, ModelArguments.prefixCacheBytes(line, DEFAULT_PREFIX_CACHE_MB));
        ChatServer server = ChatServer.start(llava, settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            llava.close();
            stopped.countDown();
        }));
        terminal.progress("serving " + modelId + " at " + server.baseUri() + " (Ctrl-C stops)");
        stopped.await();
        return Main.OK;
    }
}
