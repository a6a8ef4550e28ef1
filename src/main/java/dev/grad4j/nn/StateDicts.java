package dev.grad4j.nn;

import dev.grad4j.autograd.Tensor;
import dev.grad4j.tensor.Backend;
import dev.grad4j.tensor.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Saving and checked in-place loading of named parameters, and qualified names for containers. */
final class StateDicts {

    private StateDicts() {
    }

    /** Name → independent copy of the value, in the order of {@code parameters}. */
    static Map<String, NDArray> copy(Map<String, Tensor> parameters) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((name, p) -> out.put(name, p.value().copy()));
        return out;
    }

    /**
     * Checks {@code state} against {@code parameters} (same names, same shapes, no nulls) and then
     * copies each value into its parameter's array.
     */
    static void load(String owner, Map<String, Tensor> parameters, Map<String, NDArray> state) {
        Objects.requireNonNull(state, "loadStateDict: state is null");
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        parameters.forEach((name, p) -> {
            if (!state.containsKey(name)) {
                missing.add(name);
            } else if (state.get(name) == null) {
                wrong.add(name + " is null");
            } else if (!state.get(name).shape().equals(p.shape())) {
                wrong.add(name + " " + state.get(name).shape() + " (expected " + p.shape() + ")");
            }
        });
        for (String name : state.keySet()) {
            if (!parameters.containsKey(name)) {
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
            throw new IllegalArgumentException("loadStateDict: state does not match " + owner + ": "
                    + String.join("; ", parts));
        }
        Backend backend = Backend.cpu();
        parameters.forEach((name, p) -> backend.assign(p.value(), state.get(name)));
    }

    /**
     * Adds the parameters of {@code child} to {@code into} as {@code prefix.name}, skipping tensors
     * already present (a shared module is listed once, as in PyTorch).
     */
    static void addQualified(Map<String, Tensor> into, String prefix, Module child) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(into.values());
        child.namedParameters().forEach((name, p) -> {
            if (seen.add(p)) {
                into.put(prefix + "." + name, p);
            }
        });
    }
}
