package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one walk over a module tree: qualified names of parameters and buffers, the state dict and
 * its checked in-place loading all derive from each module's local state plus its named children.
 */
final class ModuleTree {

    private ModuleTree() {
    }

    /** Local parameters, then each child's {@code namedParameters()} prefixed; a shared tensor appears once. */
    static Map<String, Tensor> parameters(Module m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        m.localParameters().forEach((name, p) -> {
            if (seen.add(p)) {
                out.put(name, p);
            }
        });
        m.namedChildren().forEach((prefix, child) -> child.namedParameters().forEach((name, p) -> {
            if (seen.add(p)) {
                out.put(prefix + "." + name, p);
            }
        }));
        return out;
    }

    /** Local buffers, then each child's {@code namedBuffers()} prefixed; the live arrays, integer marks kept. */
    static StateDict buffers(Module m) {
        StateDict out = new StateDict();
        Set<NDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        addBuffers(out, seen, "", m.localBuffers());
        m.namedChildren().forEach((prefix, child) -> addBuffers(out, seen, prefix + ".", child.namedBuffers()));
        return out;
    }

    private static void addBuffers(StateDict into, Set<NDArray> seen, String prefix, StateDict buffers) {
        buffers.forEach((name, b) -> {
            if (seen.add(b)) {
                if (buffers.isInteger(name)) {
                    into.putInteger(prefix + name, b);
                } else {
                    into.put(prefix + name, b);
                }
            }
        });
    }

    /** The live arrays in PyTorch's state-dict order: local parameters, local buffers, then each child's. */
    static StateDict live(Module m) {
        StateDict out = new StateDict();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        m.localParameters().forEach((name, p) -> {
            if (seen.add(p.value())) {
                out.put(name, p.value());
            }
        });
        StateDict local = m.localBuffers();
        local.forEach((name, b) -> {
            if (seen.add(b)) {
                putLike(out, name, b, local.isInteger(name));
            }
        });
        m.namedChildren().forEach((prefix, child) -> {
            StateDict sub = live(child);
            sub.forEach((name, a) -> {
                if (seen.add(a)) {
                    putLike(out, prefix + "." + name, a, sub.isInteger(name));
                }
            });
        });
        return out;
    }

    private static void putLike(StateDict into, String name, NDArray value, boolean integer) {
        if (integer) {
            into.putInteger(name, value);
        } else {
            into.put(name, value);
        }
    }

    /** An independent copy of every parameter and buffer. */
    static StateDict stateDict(Module m) {
        StateDict live = live(m);
        StateDict out = new StateDict();
        live.forEach((name, a) -> putLike(out, name, a.copy(), live.isInteger(name)));
        return out;
    }

    /**
     * Checks {@code state} against the tree (same names, same shapes, no nulls, integer buffers
     * integral) and then copies each value into its array.
     */
    static void load(Module m, Map<String, NDArray> state) {
        Objects.requireNonNull(state, "loadStateDict: state is null");
        StateDict live = live(m);
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        live.forEach((name, a) -> {
            NDArray v = state.get(name);
            if (!state.containsKey(name)) {
                missing.add(name);
            } else if (v == null) {
                wrong.add(name + " is null");
            } else if (!v.shape().equals(a.shape())) {
                wrong.add(name + " " + v.shape() + " (expected " + a.shape() + ")");
            } else if (live.isInteger(name)) {
                try {
                    StateDict.requireIntegral(name, v);
                } catch (IllegalArgumentException e) {
                    wrong.add(e.getMessage());
                }
            }
        });
        for (String name : state.keySet()) {
            if (!live.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !wrong.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) {
                parts.add("missing " + missing);
            }
            if (!unexpected.isEmpty()) {
                parts.add("unexpected " + unexpected);
            }
            if (!wrong.isEmpty()) {
                parts.add("wrong shape " + wrong);
            }
            throw new IllegalArgumentException("loadStateDict: state does not match " + m.getClass().getSimpleName()
                    + ": " + String.join("; ", parts));
        }
        Backend backend = Backend.cpu();
        live.forEach((name, a) -> backend.assign(a, state.get(name)));
    }
}
