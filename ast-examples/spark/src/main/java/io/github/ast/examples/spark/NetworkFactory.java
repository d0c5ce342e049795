package io.github.ast.examples.spark;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import io.github.ast.examples.FashionMnist;
import io.github.ast.examples.Models;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds one of the examples' networks on a Spark executor: what a {@code ScoringModel} ships instead of the network
 * itself (its class is on every executor's class path).
 *
 * @param name "mlp", "cnn" or "cnn-gap"
 * @serial exclude
 */
public record NetworkFactory(String name) implements BlockFactory {

    private static final long serialVersionUID = 1L;

    /**
     * Checks the name.
     *
     * @param name the network's name
     */
    public NetworkFactory {
        Models.byName(name, FashionMnist.CLASSES);
    }

    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        return Models.byName(name, FashionMnist.CLASSES);
    }
}
