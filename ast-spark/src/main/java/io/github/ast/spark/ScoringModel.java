package io.github.ast.spark;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * One version of a model, as the cluster ships it: the engine's name, the {@link BlockFactory} that builds the
 * network on an executor (its class must be on the executors' class path), one sample's shape, and the parameters as
 * bytes. Broadcast once per version; the version is a SHA-256 of all of it, so a selection can name the exact model
 * that scored it.
 *
 * @serial exclude
 */
public final class ScoringModel implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String engine;
    private final BlockFactory factory;
    private final long[] sampleShape;
    private final byte[] parameters;
    private final String version;

    private ScoringModel(String engine, BlockFactory factory, long[] sampleShape, byte[] parameters) {
        this.engine = engine;
        this.factory = factory;
        this.sampleShape = sampleShape.clone();
        this.parameters = parameters;
        this.version = digest(engine, factory, sampleShape, parameters);
    }

    /**
     * Captures a model's current parameters.
     *
     * @param model a model whose block the factory builds, initialised
     * @param factory builds the same network on an executor
     * @param sampleShape one sample's shape, without the batch dimension
     * @return the captured version
     * @throws IllegalArgumentException if the block cannot save its parameters (not initialised)
     */
    public static ScoringModel of(Model model, BlockFactory factory, Shape sampleShape) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            model.getBlock().saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("cannot capture the model's parameters (is it initialised?): "
                    + e.getMessage(), e);
        }
        return new ScoringModel(model.getNDManager().getEngine().getEngineName(), factory, sampleShape.getShape(),
                bytes.toByteArray());
    }

    /**
     * Writes this version to a file, for {@link ScoreJob} on a cluster.
     *
     * @param file the file to create
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(file))) {
            out.writeObject(this);
        }
    }

    /**
     * Reads a version {@link #save} wrote; the factory's class must be on the class path.
     *
     * @param in the file's bytes
     * @return the version
     * @throws IOException if it cannot be read or is not a saved scoring model
     */
    public static ScoringModel read(InputStream in) throws IOException {
        try (ObjectInputStream objects = new ObjectInputStream(in)) {
            Object read = objects.readObject();
            if (!(read instanceof ScoringModel model)) {
                throw new IOException("not a saved ScoringModel but a " + read.getClass().getName());
            }
            String recomputed = digest(model.engine, model.factory, model.sampleShape, model.parameters);
            if (!recomputed.equals(model.version)) {
                throw new IOException("the saved model's parameters do not match its version " + model.version);
            }
            return model;
        } catch (ClassNotFoundException e) {
            throw new IOException("the saved model needs " + e.getMessage() + " on the class path", e);
        }
    }

    /**
     * Builds this version as a DJL model on the engine's default device.
     *
     * @return a new model, to close
     * @throws IllegalStateException if the factory or the parameters do not build (another network's parameters)
     */
    public Model load() {
        Model model = Model.newInstance("ast-scoring-" + version.substring(0, 12), engine);
        try {
            Block block = factory.newBlock(model, null, Map.of());
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, batchShape(1));
            block.loadParameters(model.getNDManager(),
                    new DataInputStream(new ByteArrayInputStream(parameters)));
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalStateException("cannot build model version " + version + " with "
                    + factory.getClass().getName() + " on " + engine + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the shape of a batch of samples.
     *
     * @param rows the batch's rows
     * @return (rows, sample shape...)
     */
    public Shape batchShape(long rows) {
        return new Shape(rows).addAll(new Shape(sampleShape));
    }

    /** {@return how many values one sample holds, the product of its shape} */
    public long sampleSize() {
        return new Shape(sampleShape).size();
    }

    /** {@return the SHA-256 of the engine, the factory's class, the sample shape and the parameters, in hex} */
    public String version() {
        return version;
    }

    /** {@return the engine's name} */
    public String engine() {
        return engine;
    }

    /** {@return the block factory's class name} */
    public String factoryName() {
        return factory.getClass().getName();
    }

    /** {@return one sample's shape} */
    public Shape sampleShape() {
        return new Shape(sampleShape);
    }

    private static String digest(String engine, BlockFactory factory, long[] shape, byte[] parameters) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((engine + "|" + factory.getClass().getName() + "|" + new Shape(shape) + "|")
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(parameters));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
