package dev.grad4j.autograd;

import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks the backward rules behind a function against central finite differences, for your own
 * compositions and custom ops recorded with {@link Tensor#record}.
 *
 * <p>For a function {@code f} of tensors {@code x_0 .. x_{n-1}} and a fixed upstream gradient
 * {@code u} (all ones for a one-element output, otherwise drawn from a seeded normal
 * distribution), the check compares for every input element {@code j}
 *
 * <pre>
 * analytic = (f(x).backward(u)).wrt(x_i)[j]
 * numeric  = (L(x_i[j] + h) - L(x_i[j] - h)) / (2h),   L(x) = Σ f(x) * u,
 * h = step * max(1, |x_i[j]|)
 * </pre>
 *
 * <p>{@code f} is evaluated in float32, as grad4j computes; the sum {@code L} and the difference
 * quotient are accumulated in double, and the quotient divides by the distance between the two
 * float32 points actually evaluated. An element passes when
 * {@code |analytic - numeric| <= absTolerance + relTolerance * max(|analytic|, |numeric|)}.
 * Choose inputs at least {@code h} away from kinks (relu and abs at 0, ties of max) and inside the
 * domain (log, sqrt).
 *
 * <pre>{@code
 * GradCheck.assertClose(xs -> xs.get(0).mul(xs.get(1)).sum(),
 *         NDArray.randn(random, 2, 3), NDArray.randn(random, 3));
 * }</pre>
 *
 * <p>The inputs reach {@code f} as variables named {@code x0}, {@code x1}, ...; during the
 * finite differences they are constants evaluated under {@link Autograd#noGrad()}. The input
 * arrays are not modified.
 */
public final class GradCheck {

    private GradCheck() {
    }

    /**
     * Settings of a check. {@link #DEFAULTS}: step {@code 1e-2}, absolute tolerance {@code 1e-3},
     * relative tolerance {@code 2e-3}, upstream seed {@code 1234}. The float32 rounding of the
     * outputs adds an absolute error of about {@code 1e-7 * |L| / h} to each numeric gradient, so
     * functions with large outputs may need a larger absolute tolerance; strongly curved ones (large
     * third derivatives) a smaller step or a larger relative tolerance.
     *
     * @param step the relative finite-difference step: {@code h = step * max(1, |x|)}
     * @param absTolerance the absolute part of the pass criterion
     * @param relTolerance the relative part of the pass criterion
     * @param seed the seed of the random upstream gradient for outputs with more than one element
     */
    public record Options(double step, double absTolerance, double relTolerance, long seed) {

        /** The default settings. */
        public static final Options DEFAULTS = new Options(1e-2, 1e-3, 2e-3, 1234L);

        /**
         * Validates the settings.
         *
         * @param step the relative finite-difference step
         * @param absTolerance the absolute tolerance, {@code >= 0}
         * @param relTolerance the relative tolerance, {@code >= 0}
         * @param seed the seed of the random upstream gradient
         * @throws IllegalArgumentException if the step is not positive and finite or a tolerance is negative or NaN
         */
        public Options {
            if (!(step > 0) || !Double.isFinite(step)) {
                throw new IllegalArgumentException("gradcheck: step must be positive and finite, got " + step);
            }
            if (!(absTolerance >= 0) || !(relTolerance >= 0)) {
                throw new IllegalArgumentException("gradcheck: tolerances must be >= 0, got absTolerance "
                        + absTolerance + ", relTolerance " + relTolerance);
            }
        }

        /**
         * Returns these settings with another step.
         *
         * @param step the relative finite-difference step
         * @return the new settings
         */
        public Options withStep(double step) {
            return new Options(step, absTolerance, relTolerance, seed);
        }

        /**
         * Returns these settings with other tolerances.
         *
         * @param absTolerance the absolute tolerance
         * @param relTolerance the relative tolerance
         * @return the new settings
         */
        public Options withTolerances(double absTolerance, double relTolerance) {
            return new Options(step, absTolerance, relTolerance, seed);
        }

        /**
         * Returns these settings with another upstream seed.
         *
         * @param seed the seed of the random upstream gradient
         * @return the new settings
         */
        public Options withSeed(long seed) {
            return new Options(step, absTolerance, relTolerance, seed);
        }
    }

    /**
     * The comparison for one input.
     *
     * @param input the position of the input in the argument list
     * @param name the variable name the function saw ({@code x0}, {@code x1}, ...)
     * @param shape the input's shape
     * @param maxAbsError the largest {@code |analytic - numeric|} over the elements (0 if none)
     * @param maxRelError the largest {@code |analytic - numeric| / max(|analytic|, |numeric|)},
     *                    counting elements where both are 0 as 0
     * @param worstIndex the flat index of the element furthest outside the tolerance (or closest
     *                   to it when all pass); -1 for an empty input
     * @param analytic the gradient from backward at {@code worstIndex}
     * @param numeric the finite-difference estimate at {@code worstIndex}
     * @param passed whether every element is within the tolerance
     */
    public record InputReport(int input, String name, Shape shape, double maxAbsError, double maxRelError,
                              int worstIndex, double analytic, double numeric, boolean passed) {

        /**
         * Checks the references.
         *
         * @param input the position of the input in the argument list
         * @param name the variable name the function saw
         * @param shape the input's shape
         * @param maxAbsError the largest absolute error
         * @param maxRelError the largest relative error
         * @param worstIndex the flat index of the worst element, -1 for an empty input
         * @param analytic the analytic gradient at {@code worstIndex}
         * @param numeric the numeric gradient at {@code worstIndex}
         * @param passed whether every element is within the tolerance
         * @throws NullPointerException if {@code name} or {@code shape} is null
         */
        public InputReport {
            Objects.requireNonNull(name, "gradcheck: report name is null");
            Objects.requireNonNull(shape, "gradcheck: report shape is null");
        }

        /**
         * Returns the worst element's coordinates.
         *
         * @return the coordinates such as {@code [1, 2]}, or {@code none} for an empty input
         */
        public String worstElement() {
            return worstIndex < 0 ? "none" : Arrays.toString(unflatten(worstIndex, shape));
        }

        /** Describes the comparison, naming the input and its worst element. */
        @Override
        public String toString() {
            return "input " + input + " (" + name + ", shape " + shape + ") element " + worstElement()
                    + " (flat " + worstIndex + "): analytic " + analytic + " vs numeric " + numeric
                    + "; max abs error " + maxAbsError + ", max rel error " + maxRelError
                    + (passed ? "" : " FAILED");
        }
    }

    /**
     * The outcome of a check: one report per input.
     *
     * @param inputs the report of each input, in argument order
     * @param options the settings used
     */
    public record Result(List<InputReport> inputs, Options options) {

        /**
         * Copies the report list.
         *
         * @param inputs the report of each input, in argument order
         * @param options the settings used
         * @throws NullPointerException if {@code inputs}, one of its reports or {@code options} is null
         */
        public Result {
            Objects.requireNonNull(inputs, "gradcheck: inputs is null");
            for (int i = 0; i < inputs.size(); i++) {
                Objects.requireNonNull(inputs.get(i), "gradcheck: report " + i + " of inputs is null");
            }
            inputs = List.copyOf(inputs);
            Objects.requireNonNull(options, "gradcheck: options is null");
        }

        /**
         * Whether every element of every input is within the tolerance.
         *
         * @return true if all inputs passed
         */
        public boolean passed() {
            for (InputReport r : inputs) {
                if (!r.passed()) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The largest absolute error over all inputs.
         *
         * @return the largest {@link InputReport#maxAbsError()}, NaN if any is NaN
         */
        public double maxAbsError() {
            double m = 0;
            for (InputReport r : inputs) {
                m = Math.max(m, r.maxAbsError());
            }
            return m;
        }

        /**
         * The largest relative error over all inputs.
         *
         * @return the largest {@link InputReport#maxRelError()}, NaN if any is NaN
         */
        public double maxRelError() {
            double m = 0;
            for (InputReport r : inputs) {
                m = Math.max(m, r.maxRelError());
            }
            return m;
        }

        /**
         * Throws if an input failed, naming the input and element in the message.
         *
         * @throws AssertionError if {@link #passed()} is false
         */
        public void assertPassed() {
            if (passed()) {
                return;
            }
            StringBuilder sb = new StringBuilder("gradcheck: analytic and numeric gradients differ (tolerance "
                    + options.absTolerance() + " + " + options.relTolerance() + " * |g|, step "
                    + options.step() + ")");
            for (InputReport r : inputs) {
                if (!r.passed()) {
                    sb.append("\n  ").append(r);
                }
            }
            throw new AssertionError(sb.toString());
        }
    }

    /**
     * Compares analytic and numeric gradients of {@code f} at {@code inputs} with the
     * {@link Options#DEFAULTS default settings}.
     *
     * @param f the function; it receives one tensor per input, in order
     * @param inputs the point at which to differentiate; not modified
     * @return one report per input
     * @throws IllegalArgumentException if there are no inputs, recording is off on this thread, {@code f}
     *                                  returns a different shape for perturbed inputs, or a backward rule
     *                                  is malformed
     */
    public static Result check(Function<List<Tensor>, Tensor> f, NDArray... inputs) {
        return check(f, Options.DEFAULTS, inputs);
    }

    /**
     * Compares analytic and numeric gradients of {@code f} at {@code inputs} with {@code options}.
     *
     * @param f the function; it receives one tensor per input, in order
     * @param options the step, tolerances and upstream seed
     * @param inputs the point at which to differentiate; not modified
     * @return one report per input
     * @throws IllegalArgumentException if there are no inputs, recording is off on this thread, {@code f}
     *                                  returns a different shape for perturbed inputs, or a backward rule
     *                                  is malformed
     */
    public static Result check(Function<List<Tensor>, Tensor> f, Options options, NDArray... inputs) {
        Objects.requireNonNull(f, "gradcheck: function is null");
        Objects.requireNonNull(options, "gradcheck: options is null");
        Objects.requireNonNull(inputs, "gradcheck: inputs is null");
        if (inputs.length == 0) {
            throw new IllegalArgumentException("gradcheck: no inputs");
        }
        for (int i = 0; i < inputs.length; i++) {
            Objects.requireNonNull(inputs[i], "gradcheck: input " + i + " is null");
        }
        if (!Autograd.isRecording()) {
            throw new IllegalArgumentException("gradcheck: recording is off on this thread (inside Autograd.noGrad()),"
                    + " so there are no analytic gradients to check");
        }

        // Analytic gradients, recording on.
        List<Tensor> vars = new ArrayList<>(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            vars.add(Tensor.var("x" + i, inputs[i].copy()));
        }
        Tensor y = Objects.requireNonNull(f.apply(List.copyOf(vars)), "gradcheck: function returned null");
        Shape outShape = y.shape();
        double[] upstream = upstream(outShape, options.seed());
        float[] upstreamF = new float[upstream.length];
        for (int i = 0; i < upstream.length; i++) {
            upstreamF[i] = (float) upstream[i];
        }
        Gradients grads = y.requiresGrad()
                ? y.backward(NDArray.of(upstreamF, outShape.toArray()))
                : null;

        // Numeric gradients, one central difference per element, recording off.
        List<InputReport> reports = new ArrayList<>(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            float[] analytic = grads == null ? null : grads.find(vars.get(i)).map(NDArray::toArray).orElse(null);
            reports.add(compare(f, inputs, i, analytic, upstream, outShape, options));
        }
        return new Result(reports, options);
    }

    /**
     * Checks {@code f} at {@code inputs} with the default settings and throws if a gradient differs.
     *
     * @param f the function; it receives one tensor per input, in order
     * @param inputs the point at which to differentiate; not modified
     * @return the passing result
     * @throws AssertionError naming the input and the element index if an element is outside the tolerance
     * @throws IllegalArgumentException as {@link #check(Function, NDArray...)}
     */
    public static Result assertClose(Function<List<Tensor>, Tensor> f, NDArray... inputs) {
        return assertClose(f, Options.DEFAULTS, inputs);
    }

    /**
     * Checks {@code f} at {@code inputs} with {@code options} and throws if a gradient differs.
     *
     * @param f the function; it receives one tensor per input, in order
     * @param options the step, tolerances and upstream seed
     * @param inputs the point at which to differentiate; not modified
     * @return the passing result
     * @throws AssertionError naming the input and the element index if an element is outside the tolerance
     * @throws IllegalArgumentException as {@link #check(Function, Options, NDArray...)}
     */
    public static Result assertClose(Function<List<Tensor>, Tensor> f, Options options, NDArray... inputs) {
        Result r = check(f, options, inputs);
        r.assertPassed();
        return r;
    }

    private static InputReport compare(Function<List<Tensor>, Tensor> f, NDArray[] inputs, int which,
                                       float[] analytic, double[] upstream, Shape outShape, Options options) {
        NDArray x = inputs[which];
        float[] base = x.toArray();
        int[] dims = x.shape().toArray();
        List<Tensor> args = new ArrayList<>(inputs.length);
        for (NDArray in : inputs) {
            args.add(Tensor.constant(in));
        }
        double maxAbs = 0;
        double maxRel = 0;
        double worstScore = -1;
        int worst = -1;
        double worstAnalytic = 0;
        double worstNumeric = 0;
        boolean passed = true;
        float[] probe = base.clone();
        for (int j = 0; j < base.length; j++) {
            float xj = base[j];
            double h = options.step() * Math.max(1.0, Math.abs(xj));
            float plus = (float) (xj + h);
            float minus = (float) (xj - h);
            probe[j] = plus;
            double lossPlus = evaluate(f, args, which, probe, dims, upstream, outShape);
            probe[j] = minus;
            double lossMinus = evaluate(f, args, which, probe, dims, upstream, outShape);
            probe[j] = xj;
            double numeric = (lossPlus - lossMinus) / ((double) plus - (double) minus);
            double a = analytic == null ? 0.0 : analytic[j];
            double abs = Math.abs(a - numeric);
            double scale = Math.max(Math.abs(a), Math.abs(numeric));
            double rel = abs == 0 ? 0 : abs / scale;
            double allowed = options.absTolerance() + options.relTolerance() * scale;
            boolean ok = abs <= allowed; // false for NaN
            // Failures rank above passes (score > 1); among each, the furthest from the tolerance wins.
            double ratio = allowed > 0 ? abs / allowed : abs == 0 ? 0 : Double.POSITIVE_INFINITY;
            double score = ok ? ratio : Double.isNaN(abs) ? Double.POSITIVE_INFINITY : 1 + ratio;
            passed &= ok;
            maxAbs = Math.max(maxAbs, abs); // Math.max propagates NaN
            maxRel = Math.max(maxRel, rel);
            if (worst < 0 || score > worstScore) {
                worstScore = score;
                worst = j;
                worstAnalytic = a;
                worstNumeric = numeric;
            }
        }
        return new InputReport(which, "x" + which, x.shape(), maxAbs, maxRel, worst, worstAnalytic, worstNumeric,
                passed);
    }

    /** Evaluates {@code Σ f(args with input which = probe) * upstream} in double, recording off. */
    private static double evaluate(Function<List<Tensor>, Tensor> f, List<Tensor> args, int which, float[] probe,
                                   int[] dims, double[] upstream, Shape outShape) {
        List<Tensor> call = new ArrayList<>(args);
        call.set(which, Tensor.constant(NDArray.of(probe, dims)));
        Tensor out;
        try (Autograd.Scope scope = Autograd.noGrad()) {
            out = f.apply(List.copyOf(call));
        }
        Objects.requireNonNull(out, "gradcheck: function returned null");
        if (!out.shape().equals(outShape)) {
            throw new IllegalArgumentException("gradcheck: function output shape changed from " + outShape
                    + " to " + out.shape() + " when input " + which + " was perturbed");
        }
        float[] y = out.value().toArray();
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += y[k] * upstream[k];
        }
        return s;
    }

    /** All ones for a one-element output, otherwise seeded standard normal draws rounded to float. */
    private static double[] upstream(Shape shape, long seed) {
        double[] u = new double[shape.size()];
        if (u.length == 1) {
            u[0] = 1.0;
            return u;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) random.nextGaussian();
        }
        return u;
    }

    private static int[] unflatten(int flat, Shape shape) {
        int[] idx = new int[shape.rank()];
        for (int d = shape.rank() - 1; d >= 0; d--) {
            int n = shape.dim(d);
            idx[d] = flat % n;
            flat /= n;
        }
        return idx;
    }
}
