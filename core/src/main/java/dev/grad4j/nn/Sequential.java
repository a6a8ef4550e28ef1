package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.List;
import java.util.Objects;

/**
 * A chain of modules applied in order: {@code forward(x) = m[n-1](...m[1](m[0](x)))}.
 *
 * <p>Children are named {@code 0, 1, 2, ...}, so their parameters are {@code 0.weight},
 * {@code 2.bias}, ... as in PyTorch's {@code nn.Sequential}; a nested container adds its own
 * prefix ({@code 1.0.weight}). An empty chain is the identity.
 *
 * <pre>{@code
 * Module mlp = new Sequential(new Linear(4, 8, random), new ReLU(), new Linear(8, 3, random));
 * }</pre>
 */
public final class Sequential extends AbstractModule {

    private final List<Module> modules;

    /** A chain of {@code modules}, in order. */
    public Sequential(Module... modules) {
        Objects.requireNonNull(modules, "Sequential: modules is null");
        for (int i = 0; i < modules.length; i++) {
            Objects.requireNonNull(modules[i], "Sequential: module " + i + " is null");
        }
        this.modules = List.of(modules);
        for (int i = 0; i < modules.length; i++) {
            registerModule(Integer.toString(i), modules[i]);
        }
    }

    /** Passes {@code x} through every module in order. */
    @Override
    public Tensor forward(Tensor x) {
        Objects.requireNonNull(x, "Sequential: input is null");
        Tensor y = x;
        for (Module m : modules) {
            y = m.forward(y);
        }
        return y;
    }

    /**
     * Returns child {@code index}.
     *
     * @throws IndexOutOfBoundsException if there is no such child
     */
    public Module get(int index) {
        if (index < 0 || index >= modules.size()) {
            throw new IndexOutOfBoundsException("Sequential.get: index " + index + " out of range for "
                    + modules.size() + " modules");
        }
        return modules.get(index);
    }

    /** Number of children. */
    public int size() {
        return modules.size();
    }

    /** {@code Sequential(Linear(in=2, out=8, bias=true), ReLU, ...)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (int i = 0; i < modules.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(modules.get(i));
        }
        return sb.append(')').toString();
    }
}
