package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A list of modules, as PyTorch's {@code nn.ModuleList}: children named {@code 0, 1, 2, ...}, so a
 * model that registers it as {@code blocks} names its parameters {@code blocks.0.attn.in_proj_weight}.
 * It only holds the modules; the owner decides how to call them, so it has no {@link #forward}.
 *
 * <pre>{@code
 * ModuleList blocks = registerModule("blocks", new ModuleList());
 * for (int i = 0; i < layers; i++) {
 *     blocks.add(new Block(embed, heads, random));
 * }
 * for (Module block : blocks) {
 *     x = block.forward(x);
 * }
 * }</pre>
 */
public final class ModuleList extends AbstractModule implements Iterable<Module> {

    private final List<Module> modules = new ArrayList<>();

    /** A list holding {@code modules}, in order. */
    public ModuleList(Module... modules) {
        Objects.requireNonNull(modules, "ModuleList: modules is null");
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends {@code module} under the next index; returns it.
     *
     * @throws NullPointerException if {@code module} is null
     */
    public <M extends Module> M add(M module) {
        Objects.requireNonNull(module, "ModuleList.add: module is null");
        registerModule(Integer.toString(modules.size()), module);
        modules.add(module);
        return module;
    }

    /**
     * Returns module {@code index}.
     *
     * @throws IndexOutOfBoundsException if there is no such module
     */
    public Module get(int index) {
        if (index < 0 || index >= modules.size()) {
            throw new IndexOutOfBoundsException("ModuleList.get: index " + index + " out of range for "
                    + modules.size() + " modules");
        }
        return modules.get(index);
    }

    /** Number of modules. */
    public int size() {
        return modules.size();
    }

    /** The modules in order (unmodifiable). */
    @Override
    public Iterator<Module> iterator() {
        return Collections.unmodifiableList(modules).iterator();
    }

    /**
     * Not supported: a module list is a container; call its modules.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("ModuleList: has no forward; iterate over its modules");
    }

    /** {@code ModuleList(Linear(...), ...)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ModuleList(");
        for (int i = 0; i < modules.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(modules.get(i));
        }
        return sb.append(')').toString();
    }
}
