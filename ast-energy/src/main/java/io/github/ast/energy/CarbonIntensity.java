package io.github.ast.energy;

import io.github.ast.api.ConfigurationException;

/**
 * The carbon intensity of the electricity a run uses, to turn measured energy into emissions the way CodeCarbon
 * does: grams of CO₂-equivalent = energy in kWh × intensity in gCO₂eq/kWh.
 *
 * <p>The intensity depends on the grid and the hour (from about 20 g/kWh on hydro or nuclear grids to over 700 on
 * coal-heavy ones), so construct it for your location; {@link #WORLD_AVERAGE} is the figure CodeCarbon falls back to.
 *
 * @param gramsPerKwh grams of CO₂-equivalent emitted per kWh of electricity, finite and >= 0
 */
public record CarbonIntensity(double gramsPerKwh) {

    /**
     * The world average, 475 gCO₂eq/kWh: the figure CodeCarbon applies when it knows neither a country's intensity
     * nor its energy mix (https://mlco2.github.io/codecarbon/methodology.html, which cites the IEA).
     */
    public static final CarbonIntensity WORLD_AVERAGE = new CarbonIntensity(475);

    private static final double JOULES_PER_KWH = 3.6e6;

    /**
     * Validates the intensity.
     *
     * @param gramsPerKwh grams of CO₂-equivalent emitted per kWh of electricity, finite and >= 0
     */
    public CarbonIntensity {
        if (!(gramsPerKwh >= 0) || Double.isInfinite(gramsPerKwh)) {
            throw new ConfigurationException("gramsPerKwh=" + gramsPerKwh + " must be finite and >= 0 (gCO2eq/kWh)");
        }
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
