package io.github.ast.core;

import io.github.ast.api.ConfigurationException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named starting points for a configuration ({@code ast.preset}, or {@link #builder}): settings given beside a preset
 * override its values. The published system exists twice, because its authors' code does more than the blog post
 * that describes it, and the difference decides accuracy:
 * <ul>
 *   <li>{@code published}: the post's system, every default.
 *   <li>{@code published-code}: the authors' code's choices: the {@code sundew} gate (probabilistic above the
 *       threshold, within an energy budget), the controller fed the cumulative activation rate, their gains in their
 *       units (an error as a fraction, where ours counts percentage points: Kp 0.0015 and Ki 0.00005 per unit of
 *       fraction, the integral bounded at 50 such units), and gradients clipped to a global norm of 1.
 * </ul>
 */
public final class ConfigPresets {

    /** Each preset's values as {@code ast.*} keys without the prefix, in the order a builder sets them. */
    private static final Map<String, Map<String, String>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("published", Map.of());
        Map<String, String> code = new LinkedHashMap<>();
        code.put("gate", "sundew");
        code.put("controller.rate", "cumulative");
        code.put("controller.kp", "0.000015");
        code.put("controller.ki", "0.0000005");
        code.put("controller.integralClamp", "5000");
        code.put("clipNorm", "1.0");
        PRESETS.put("published-code", Collections.unmodifiableMap(code));
    }

    private ConfigPresets() {}

    /**
     * Starts a configuration from a preset.
     *
     * @param name a preset's name
     * @return a builder holding the preset's values
     * @throws ConfigurationException naming the preset and the known ones if there is no such preset
     */
    public static AstConfigBuilder builder(String name) {
        Map<String, String> values = PRESETS.get(name);
        if (values == null) {
            throw new ConfigurationException("ast.preset=" + name + " is unknown; known: " + PRESETS.keySet());
        }
        AstConfigBuilder builder = AstConfig.builder();
        values.forEach(builder::setting);
        return builder;
    }

    /** {@return each preset's values, keys without {@code ast.}}, for the configuration reference */
    public static Map<String, Map<String, String>> all() {
        return Collections.unmodifiableMap(PRESETS);
    }
}
