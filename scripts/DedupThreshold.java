import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.datakinds.Deduplication;
import io.github.ast.examples.datakinds.NearDuplicates;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Chooses the dedup arm's threshold on training data only: the benchmark's training split (the training file less
 * its last 5,000 images) with 4 near-copies of half its images (seed 41, no benchmark seed), and for each threshold
 * how many copies and how many originals near-duplicate removal drops, with its time. Run by
 * scripts/dedup-threshold.sh.
 */
public final class DedupThreshold {

    public static void main(String[] args) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(args.length > 0 ? args[0] : "MXNet")) {
            FashionMnist.Data data = FashionMnist.load(manager, FashionMnist.DEBIAN_DIRECTORY);
            FashionMnist.Split train = data.train().slice(0, data.train().size() - 5000);
            NearDuplicates copied = NearDuplicates.add(train.images().toFloatArray(), train.labels().toFloatArray(),
                    4, 0.5, 41);
            int total = copied.labels().length;
            var images = manager.create(copied.images(), new Shape(total, 1, 28, 28));
            System.out.printf(Locale.ROOT, "%d rows, %d of them near-copies%n", total, copied.copies());
            System.out.println("| threshold | copies removed | originals removed | seconds |");
            System.out.println("|---|---|---|---|");
            for (double threshold : new double[] {0.95, 0.97, 0.99}) {
                long start = System.nanoTime();
                int[] kept = new Deduplication(threshold).keep(images, copied.labels(), FashionMnist.CLASSES);
                double seconds = (System.nanoTime() - start) / 1e9;
                NearDuplicates.Removal removal = NearDuplicates.Removal.of(copied.sourceOf(), kept);
                System.out.printf(Locale.ROOT, "| %.2f | %.1f%% | %.1f%% | %.1f |%n", threshold,
                        100.0 * removal.copiesRemoved() / copied.copies(),
                        100.0 * removal.originalsRemoved() / train.size(), seconds);
            }
        }
    }
}
