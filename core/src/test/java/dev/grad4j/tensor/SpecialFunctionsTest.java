package dev.grad4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** erf and erfc against 30-digit reference values (mpmath), on both sides of the series/fraction switch. */
class SpecialFunctionsTest {

    /** {x, erf(x), erfc(x)}. */
    private static final double[][] REFERENCE = {
            {0.0, 0.0, 1.0},
            {1e-08, 1.1283791670955126e-08, 0.9999999887162083},
            {0.1, 0.1124629160182849, 0.887537083981715},
            {0.5, 0.5204998778130465, 0.4795001221869535},
            {1.0, 0.8427007929497149, 0.15729920705028513},
            {1.5, 0.9661051464753108, 0.033894853524689274},
            {2.0, 0.9953222650189527, 0.004677734981047266},
            {2.4999, 0.9995928300996666, 0.0004071699003334514},
            {2.5, 0.999593047982555, 0.0004069520174449589},
            {3.0, 0.9999779095030014, 2.209049699858544e-05},
            {4.0, 0.9999999845827421, 1.541725790028002e-08},
            {5.5, 0.9999999999999927, 7.357847917974398e-15},
            {7.0, 1.0, 4.183825607779414e-23},
    };

    @Test
    void erfAndErfcMatchReferenceValues() {
        for (double[] r : REFERENCE) {
            double x = r[0];
            assertThat(SpecialFunctions.erf(x)).as("erf(%s)", x).isCloseTo(r[1], within(1e-14 * Math.abs(r[1]) + 1e-300));
            assertThat(SpecialFunctions.erf(-x)).as("erf(-%s)", x).isCloseTo(-r[1], within(1e-14 * Math.abs(r[1]) + 1e-300));
            assertThat(SpecialFunctions.erfc(x)).as("erfc(%s)", x).isCloseTo(r[2], within(1e-12 * r[2]));
            assertThat(SpecialFunctions.erfc(-x)).as("erfc(-%s)", x).isCloseTo(2 - r[2], within(1e-15));
        }
    }

    @Test
    void erfLimits() {
        assertThat(SpecialFunctions.erf(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(SpecialFunctions.erf(Double.NEGATIVE_INFINITY)).isEqualTo(-1.0);
        assertThat(SpecialFunctions.erfc(Double.POSITIVE_INFINITY)).isEqualTo(0.0);
        assertThat(SpecialFunctions.erfc(40.0)).isEqualTo(0.0);
        assertThat(SpecialFunctions.erf(Double.NaN)).isNaN();
        assertThat(SpecialFunctions.erfc(Double.NaN)).isNaN();
    }

    @Test
    void erfIsContinuousAcrossTheSwitch() {
        double below = SpecialFunctions.erf(Math.nextDown(2.5));
        double at = SpecialFunctions.erf(2.5);
        assertThat(Math.abs(at - below)).isLessThanOrEqualTo(1e-15); // a jump of at most one ulp
    }
}
