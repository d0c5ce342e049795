package io.github.ast.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.util.cuda.CudaUtils;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The examples train on the CPU, so DJL's GPU probe says nothing in their output: on a machine with a CUDA runtime
 * but no usable driver (this project's) it would otherwise warn at every engine's start.
 */
class GpuProbeTest {

    @Test
    void theGpuProbeDoesNotWarnInTheExamplesOutput() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CudaUtils.getGpuCount();
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("GPU");
    }
}
