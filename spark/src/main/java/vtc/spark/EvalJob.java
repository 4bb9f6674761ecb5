package vtc.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import vtc.eval.PruningSetting;
import vtc.eval.QuestionAnswerer;

/**
 * {@code vtc eval} as a Spark job: a question file in LLaVA's {@code model_vqa_loader} format in,
 * LLaVA's answers files out, one per pruning setting, written by Spark's committer (all of the
 * output appears at once, or none).
 *
 * <pre>
 * question lines ──parse──▶ questions ──group by image──▶ partitions of images
 *      │ (a line that is not a question becomes a failed answer)       │ one model per executor JVM,
 *      ▼                                                               ▼ every setting per image
 *   failed answers ─────────────────────────────┬──────────────── answers (+ latency, kept tokens)
 *                                               ▼
 *               OUT/setting=&lt;name&gt;/part-*.txt, ordered by question line; the summary
 * </pre>
 */
public final class EvalJob {

    /** The summary written beside the answers; Spark's readers skip names starting with "_". */
    public static final String SUMMARY_FILE = "_vtc_summary.json";

    private EvalJob() {
    }

    public static void main(String[] args) {
        JobSpec spec;
        try {
            spec = JobSpec.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("EvalJob: " + e.getMessage());
            System.err.print(JobSpec.USAGE);
            System.exit(2);
            return;
        }
        if (spec.master() == null && System.getProperty("spark.master") == null) {
            System.err.println("EvalJob: no Spark master: give --master local[2] (or local[*]), or start the job with spark-submit");
            System.exit(2);
        }
        SparkSession.Builder builder = SparkSession.builder().appName("vtc eval " + spec.modelId());
        if (spec.master() != null) {
            builder.master(spec.master());
        }
        SparkSession spark = builder.getOrCreate();
        try {
            JobSummary summary = run(spark, spec);
            System.out.print(summary.toText());
        } catch (IllegalArgumentException e) {
            System.err.println("EvalJob: " + e.getMessage());
            spark.stop();
            System.exit(1);
        }
        spark.stop();
    }

    /**
     * Runs the job and writes {@code spec.out()}: the answers and {@link #SUMMARY_FILE}.
     *
     * @throws IllegalArgumentException if the output folder exists already (answers are never overwritten)
     */
    public static JobSummary run(SparkSession spark, JobSpec spec) {
        long start = System.nanoTime();
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(spec.out());
        FileSystem fs;
        try {
            fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(out)) {
                throw new IllegalArgumentException(spec.out() + " exists already; the job writes a new folder and never"
                        + " overwrites answers");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JavaRDD<QuestionLine> lines = spark.read().textFile(spec.questions()).javaRDD()
                .zipWithIndex()
                .filter(t -> !t._1().isBlank())
                .map(t -> QuestionLine.parse(t._1(), t._2() + 1))
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        int partitions = spec.partitions() > 0 ? spec.partitions() : spark.sparkContext().defaultParallelism();
        JavaRDD<Row> answered = lines.filter(QuestionLine::ok)
                .mapToPair(l -> new Tuple2<>(l.question().image(), l.question()))
                .groupByKey(partitions)
                .mapPartitions(new AnswerRows(spec));
        JavaRDD<Row> refused = lines.filter(l -> !l.ok()).flatMap(l -> refusedRows(spec, l).iterator());
        // Cached: the answers are computed once, then sorted and written, then summarized.
        Dataset<Row> rows = spark.createDataFrame(answered.union(refused), AnswerRows.SCHEMA).persist();
        try {
            rows.orderBy("setting", "line").select("setting", "answer")
                    .write().partitionBy("setting").text(spec.out());
            List<Row> collected = rows.collectAsList();
            JobSummary summary = JobSummary.of(spec, collected, (System.nanoTime() - start) / 1e9);
            try (OutputStream o = fs.create(new org.apache.hadoop.fs.Path(out, SUMMARY_FILE), false)) {
                o.write(summary.toJson().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return summary;
        } finally {
            rows.unpersist();
            lines.unpersist();
        }
    }

    /** A line that is no question gives a failed answer under every setting, naming the file and line. */
    private static List<Row> refusedRows(JobSpec spec, QuestionLine line) {
        List<Row> rows = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (PruningSetting s : spec.settings()) {
            var answer = QuestionAnswerer.failed(line.id(), "", line.line(), spec.modelId(), s.label(),
                    spec.questions() + ": " + line.error());
            rows.add(AnswerRows.row(s, line.line(), answer, AnswerRows.executorId(), now, now, null, null));
        }
        return rows;
    }
}
