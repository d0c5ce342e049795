package io.github.ast.energy;

import io.github.ast.api.ConfigurationException;
import io.github.ast.api.spi.Settings;

/**
 * The carbon intensity of the electricity a run uses, to turn measured energy into emissions the way CodeCarbon
 * does: grams of CO₂-equivalent = energy in kWh × intensity in gCO₂eq/kWh.
 *
 * <p>The intensity depends on the grid and the hour (from about 20 g/kWh on hydro or nuclear grids to over 700 on
 * coal-heavy ones), so set it for your location; the default is the world average that CodeCarbon falls back to.
 *
 * @param gramsPerKwh grams of CO₂-equivalent emitted per kWh of electricity, finite and >= 0
 */
public record CarbonIntensity(double gramsPerKwh) {

    /**
     * The world average, 475 gCO₂eq/kWh: the figure CodeCarbon applies when it knows neither a country's intensity
     * nor its energy mix (https://mlco2.github.io/codecarbon/methodology.html, which cites the IEA).
     */
    public static final CarbonIntensity WORLD_AVERAGE = new CarbonIntensity(475);

    /** The setting that overrides the default intensity, in gCO₂eq/kWh. */
    public static final String SETTING = "gramsPerKwh";

    private static final double JOULES_PER_KWH = 3.6e6;

    /**
     * Validates the intensity.
     *
     * @param gramsPerKwh grams of CO₂-equivalent emitted per kWh of electricity, finite and >= 0
     */
    public CarbonIntensity {
        if (!(gramsPerKwh >= 0) || Double.isInfinite(gramsPerKwh)) {
            throw new ConfigurationException(SETTING + "=" + gramsPerKwh + " must be finite and >= 0 (gCO2eq/kWh)");
        }
    }

    /**
     * Reads the intensity from settings.
     *
     * @param settings settings that may hold {@value #SETTING}
     * @return the configured intensity, or {@link #WORLD_AVERAGE} when the key is not set
     * @throws ConfigurationException if the value is not a finite number >= 0
     */
    public static CarbonIntensity from(Settings settings) {
        double value = settings.getDouble(SETTING, WORLD_AVERAGE.gramsPerKwh());
        if (!(value >= 0)) {
            throw new ConfigurationException(settings.prefix() + SETTING + "=" + value + " must be >= 0 (gCO2eq/kWh)");
        }
        return new CarbonIntensity(value);
    }

    /**
     * Converts joules to kilowatt-hours (1 kWh = 3.6 MJ).
     *
     * @param joules energy in joules
     * @return the same energy in kilowatt-hours
     */
    public static double kilowattHours(double joules) {
        return joules / JOULES_PER_KWH;
    }

    /**
     * Returns the emissions of some energy at this intensity.
     *
     * @param joules energy used, >= 0
     * @return grams of CO₂-equivalent
     */
    public double grams(double joules) {
        if (!(joules >= 0) || Double.isInfinite(joules)) {
            throw new IllegalArgumentException("joules=" + joules + " must be finite and >= 0");
        }
        return kilowattHours(joules) * gramsPerKwh;
    }
}
