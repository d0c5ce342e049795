package io.github.ast.examples.spark;

import io.github.ast.examples.FashionMnist;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a Fashion-MNIST split as the Parquet table {@code SparkScoring} reads: index, features (784 floats, the
 * pixels scaled to [0, 1] as the trainer sees them) and label.
 */
final class FashionParquet {

    private static final int CHUNK = 6_000;

    /** Rows per task: about 1 MB of pixels, Spark's recommended largest task. */
    private static final int ROWS_PER_TASK = 300;

    private FashionParquet() {}

    /**
     * One row of the table, as a Java bean for Spark's encoder.
     *
     * @serial exclude
     */
    public static final class Sample implements Serializable {
        private static final long serialVersionUID = 1L;
        private long index;
        private float[] features;
        private int label;

        /** For the encoder. */
        public Sample() {}

        Sample(long index, float[] features, int label) {
            this.index = index;
            this.features = features;
            this.label = label;
        }

        /** {@return the dataset index} */
        public long getIndex() {
            return index;
        }

        /** @param index the dataset index */
        public void setIndex(long index) {
            this.index = index;
        }

        /** {@return the pixels} */
        public float[] getFeatures() {
            return features;
        }

        /** @param features the pixels */
        public void setFeatures(float[] features) {
            this.features = features;
        }

        /** {@return the class} */
        public int getLabel() {
            return label;
        }

        /** @param label the class */
        public void setLabel(int label) {
            this.label = label;
        }
    }

    /**
     * Writes a split, host arrays in, in chunks so the driver never holds the whole table as rows.
     *
     * @param spark the session
     * @param split the split
     * @param path the directory to write, replaced
     */
    static void write(SparkSession spark, FashionMnist.Split split, String path) {
        float[] features = split.images().toFloatArray();
        float[] labels = split.labels().toFloatArray();
        int size = features.length / labels.length;
        for (int from = 0; from < labels.length; from += CHUNK) {
            List<Sample> rows = new ArrayList<>();
            for (int i = from; i < Math.min(labels.length, from + CHUNK); i++) {
                float[] row = new float[size];
                System.arraycopy(features, i * size, row, 0, size);
                rows.add(new Sample(i, row, (int) labels[i]));
            }
            int slices = (rows.size() + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
            JavaRDD<Sample> distributed = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows,
                    slices);
            spark.createDataset(distributed.rdd(), Encoders.bean(Sample.class)).toDF()
                    .select("index", "features", "label")
                    .write().mode(from == 0 ? SaveMode.Overwrite : SaveMode.Append).parquet(path);
        }
    }
}
