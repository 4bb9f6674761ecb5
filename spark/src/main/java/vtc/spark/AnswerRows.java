package vtc.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import vtc.eval.Answer;
import vtc.eval.AnswersFile;
import vtc.eval.PruningSetting;
import vtc.eval.Question;
import vtc.eval.QuestionAnswerer;

/**
 * The task of one partition of images: every question about each image under every setting,
 * with the executor's one model, as rows of {@link #SCHEMA}. The questions of an image are taken
 * in file order, so a retried task (a lost executor) gives the same rows: decoding is greedy.
 */
final class AnswerRows implements FlatMapFunction<Iterator<Tuple2<String, Iterable<Question>>>, Row> {

    private static final long serialVersionUID = 1L;

    /**
     * One answer: its setting's folder name, the question's line, the answers-file line, and for
     * the summary the executor, when its image's work started and ended, and the ground truth.
     */
    static final StructType SCHEMA = new StructType()
            .add("setting", DataTypes.StringType, false)
            .add("line", DataTypes.LongType, false)
            .add("answer", DataTypes.StringType, false)
            .add("executor", DataTypes.StringType, false)
            .add("started_ms", DataTypes.LongType, false)
            .add("finished_ms", DataTypes.LongType, false)
            .add("label", DataTypes.StringType, true)
            .add("expected", DataTypes.StringType, true);

    private final JobSpec spec;

    AnswerRows(JobSpec spec) {
        this.spec = spec;
    }

    @Override
    public Iterator<Row> call(Iterator<Tuple2<String, Iterable<Question>>> images) {
        if (!images.hasNext()) {
            return List.<Row>of().iterator();
        }
        QuestionAnswerer answerer = new QuestionAnswerer(ExecutorModel.get(spec.model(), spec.threads(), spec.prefixCacheMb()),
                spec.modelId(), Path.of(spec.images()), spec.options());
        String executor = executorId();
        List<PruningSetting> settings = spec.settings();
        List<Row> rows = new ArrayList<>();
        while (images.hasNext()) {
            Tuple2<String, Iterable<Question>> image = images.next();
            List<Question> questions = new ArrayList<>();
            image._2().forEach(questions::add);
            questions.sort(Comparator.comparingLong(Question::line));
            long started = System.currentTimeMillis();
            Map<PruningSetting, List<Answer>> answers = answerer.answerImage(image._1(), questions, settings);
            long finished = System.currentTimeMillis();
            for (var e : answers.entrySet()) {
                for (int i = 0; i < questions.size(); i++) {
                    Question q = questions.get(i);
                    rows.add(row(e.getKey(), q.line(), e.getValue().get(i), executor, started, finished, q.label(),
                            q.answer()));
                }
            }
        }
        return rows.iterator();
    }

    static Row row(PruningSetting setting, long line, Answer answer, String executor, long started, long finished,
                   String label, String expected) {
        return RowFactory.create(setting.fileName(), line, AnswersFile.line(answer), executor, started, finished,
                label, expected);
    }

    static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "driver" : env.executorId();
    }
}
