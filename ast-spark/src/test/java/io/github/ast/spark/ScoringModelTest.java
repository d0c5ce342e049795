package io.github.ast.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A model version survives saving and broadcasting unchanged, and names itself by its parameters. */
class ScoringModelTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aSavedVersionLoadsTheSameNetwork(String engine) throws Exception {
        try (Model model = TestNetworks.initialised(engine, new TestNetworks.Mlp(), 1);
                Model other = TestNetworks.initialised(engine, new TestNetworks.Mlp(), 2)) {
            ScoringModel version = ScoringModel.of(model, new TestNetworks.Mlp(), TestNetworks.SAMPLE);
            assertThat(ScoringModel.of(other, new TestNetworks.Mlp(), TestNetworks.SAMPLE).version())
                    .isNotEqualTo(version.version());
            Path file = temp.resolve("model.ast");
            version.save(file);
            ScoringModel read;
            try (InputStream in = Files.newInputStream(file)) {
                read = ScoringModel.read(in);
            }
            assertThat(read.version()).isEqualTo(version.version());
            try (Model loaded = read.load()) {
                NDList input = new NDList(model.getNDManager().randomNormal(new Shape(3).addAll(TestNetworks.SAMPLE)));
                float[] expected = model.getBlock().forward(new ParameterStore(model.getNDManager(), false), input,
                        false).head().toFloatArray();
                float[] actual = loaded.getBlock().forward(new ParameterStore(loaded.getNDManager(), false),
                        new NDList(input.head().duplicate().toDevice(loaded.getNDManager().getDevice(), false)),
                        false).head().toFloatArray();
                assertThat(actual).containsExactly(expected);
            }
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x55; // inside the parameters, the bulk of the file
            assertThatThrownBy(() -> ScoringModel.read(new ByteArrayInputStream(bytes)))
                    .isInstanceOf(IOException.class).hasMessageContaining("do not match its version");
        }
    }
}
