package io.github.ast.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import io.github.ast.api.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Clipping by global norm, as PyTorch's {@code clip_grad_norm_} does it: every gradient is scaled by
 * {@code min(1, maxNorm / (norm + 1e-6))}, where {@code norm} is the L2 norm of all gradients together. DJL's
 * optimisers only clip each value on its own ({@code clipGrad}), which changes the gradient's direction. Everything
 * runs on the engine: no host read, so a step costs one reduction per parameter and one multiplication more.
 *
 * <p>For a plain DJL loop too: call {@link #clip} between {@code EasyTrain.trainBatch} and {@code trainer.step()}.
 */
public final class GradientClipping {

    private final double maxNorm;

    /**
     * @param maxNorm the largest global norm a step's gradients keep, finite and > 0
     */
    public GradientClipping(double maxNorm) {
        if (!(maxNorm > 0 && Double.isFinite(maxNorm))) {
            throw new IllegalArgumentException("maxNorm=" + maxNorm + " must be finite and > 0");
        }
        this.maxNorm = maxNorm;
    }

    /**
     * Returns the clipping {@code ast.clipNorm} asks for on a trainer. Only on one device: there the gradients are
     * the parameters' own; with several, DJL keeps a copy per device and sums them inside {@code trainer.step()}, out
     * of reach.
     *
     * @param clipNorm the setting: 0 for none, else the maximum norm
     * @param trainer the trainer it will clip
     * @return the clipping, or null for none
     * @throws ConfigurationException naming {@code ast.clipNorm} if the trainer has several devices
     */
    public static GradientClipping of(double clipNorm, Trainer trainer) {
        if (clipNorm == 0) {
            return null;
        }
        int devices = trainer.getDevices().length;
        if (devices != 1) {
            throw new ConfigurationException("ast.clipNorm clips the gradients of a trainer on one device; this one "
                    + "has " + devices + ". Use ast.clipNorm=0 or train on one device");
        }
        return new GradientClipping(clipNorm);
    }

    /**
     * Scales the trainer's gradients in place so that their global norm is at most the maximum.
     *
     * @param trainer a trainer on one device, after the backward and before {@code trainer.step()}
     */
    public void clip(Trainer trainer) {
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            List<NDArray> gradients = new ArrayList<>();
            NDArray squares = null;
            for (Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
                if (parameter.requiresGradient()) {
                    NDArray gradient = parameter.getArray().getGradient();
                    gradient.attach(scratch); // the handle, not the parameter's gradient, is freed with scratch
                    gradients.add(gradient);
                    NDArray sum = gradient.toType(DataType.FLOAT32, false).square().sum();
                    squares = squares == null ? sum : squares.add(sum);
                }
            }
            if (squares == null) {
                return;
            }
            NDArray scale = squares.sqrt().add(1e-6f).pow(-1f).mul((float) maxNorm).minimum(1f);
            for (NDArray gradient : gradients) {
                gradient.muli(scale.toType(gradient.getDataType(), false));
            }
        }
    }
}
