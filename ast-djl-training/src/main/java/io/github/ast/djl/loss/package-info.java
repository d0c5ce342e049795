/** Training losses for data that is not clean and balanced: logit adjustment for a long tail of classes. */
package io.github.ast.djl.loss;
