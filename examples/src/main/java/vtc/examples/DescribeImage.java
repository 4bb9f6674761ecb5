package vtc.examples;

// README:java:begin
import java.nio.file.Path;
import vtc.api.Llava;
import vtc.engine.llava.GenerationOptions;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;

public class DescribeImage {
    public static void main(String[] args) {
        Path model = Path.of(args.length > 0 ? args[0] : "llava-1.5-7b-hf");  // a Hugging Face LLaVA directory
        Path image = Path.of(args.length > 1 ? args[1] : "cat.jpg");
        try (Llava llava = Llava.load(model, 8)) {                    // map once, 8 kernel threads
            var request = Llava.Request.of(image, "What is in the picture?")
                    .withSelector(new VtcCls(3, KeepBudget.count(64)))        // K = 3 layers, keep U = 64
                    .withOptions(GenerationOptions.greedy(128));         // at most 128 new tokens, stop at EOS
            Llava.Result r = llava.generate(request, System.out::print);  // streams text as it is final
            System.out.println();
            var g = r.generation();                                        // ids, kept patches, timings
            System.out.println(g.keptIndices().length + " of " + g.imageTokens() + " visual tokens kept, " + g.timings());
        }
    }
}
// README:java:end
