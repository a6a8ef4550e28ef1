package dev.grad4j.autograd;

import dev.grad4j.tensor.BinaryOp;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.Shape;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backward walk: orders the recorded graph behind an output topologically and applies each
 * op's rule in reverse, summing broadcast gradients back to each input's shape in one place.
 * Unless the graph is retained, each node is released as soon as its gradient has been passed on,
 * so the arrays its rule saved can be collected while the walk goes on.
 */
final class Tape {

    private Tape() {
    }

    static Gradients backward(Tensor root, NDArray seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalArgumentException("backward: output " + root
                    + " depends on no variable (was it computed under Autograd.noGrad()?)");
        }
        List<Tensor> order = topologicalOrder(root);
        boolean anomaly = Autograd.isDetectingAnomaly();
        Map<Tensor, NDArray> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        Map<Tensor, NDArray> result = new IdentityHashMap<>();
        List<Tensor> variables = new ArrayList<>();
        Set<NDArray> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor node = order.set(i, null);
            NDArray grad = pending.remove(node);
            if (grad == null) {
                continue;
            }
            if (node.isVariable()) {
                // Pass-through rules (add, sub, ...) can hand the same array to several
                // variables or return the caller's seed: give each variable an array of its own.
                if (grad == seed || handedOut.contains(grad)) {
                    grad = grad.copy();
                }
                handedOut.add(grad);
                result.put(node, grad);
                variables.add(node);
                continue;
            }
            Tensor[] inputs = node.inputArray();
            for (int k = 0; k < inputs.length; k++) {
                Tensor in = inputs[k];
                if (!in.requiresGrad()) {
                    continue;
                }
                NDArray g = checkedGradient(node, k, node.rule().gradient(k, grad));
                if (anomaly) {
                    Anomaly.checkBackward(node, k, grad, g);
                }
                g = Tensor.BACKEND.sumTo(g, in.shape());
                pending.merge(in, g, (x, y) -> Tensor.BACKEND.binary(BinaryOp.ADD, x, y));
            }
            if (!retainGraph) {
                node.release();
            }
        }
        return new Gradients(Collections.unmodifiableMap(result), variables);
    }

    /**
     * Checks that a rule returned a gradient the engine can sum back to input {@code k}'s shape, so
     * that a faulty custom rule is reported by its op's name rather than as a sumTo error.
     */
    private static NDArray checkedGradient(Tensor node, int k, NDArray g) {
        Shape in = node.inputArray()[k].shape();
        if (g == null) {
            throw new IllegalArgumentException("backward: rule of op '" + node.op() + "' returned null for input "
                    + k + " of shape " + in);
        }
        Shape gs = g.shape();
        if (!gs.equals(in) && (in.rank() > gs.rank() || !isBroadcastOf(in, gs))) {
            throw new IllegalArgumentException("backward: rule of op '" + node.op() + "' returned a gradient of shape "
                    + gs + " for input " + k + " of shape " + in + " (output " + node.shape() + ")");
        }
        return g;
    }

    /** Whether {@code from} broadcasts to exactly {@code to}. */
    private static boolean isBroadcastOf(Shape from, Shape to) {
        int off = to.rank() - from.rank();
        for (int i = 0; i < from.rank(); i++) {
            int d = from.dim(i);
            if (d != 1 && d != to.dim(i + off)) {
                return false;
            }
        }
        return true;
    }

    /** Post-order of the tracked nodes behind {@code root}: every node after all of its inputs. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Tensor> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        nodes.push(root);
        next.push(0);
        visited.add(root);
        while (!nodes.isEmpty()) {
            Tensor node = nodes.peek();
            if (node.isReleased()) {
                throw new IllegalArgumentException("backward: the graph through op '" + node.op() + "' (output "
                        + node.shape() + ") was released by an earlier backward; pass retainGraph = true to"
                        + " backward(upstream, retainGraph) to run backward through a graph more than once");
            }
            int k = next.pop();
            Tensor[] inputs = node.inputArray();
            while (k < inputs.length && (!inputs[k].requiresGrad() || visited.contains(inputs[k]))) {
                k++;
            }
            if (k < inputs.length) {
                next.push(k + 1);
                Tensor child = inputs[k];
                visited.add(child);
                nodes.push(child);
                next.push(0);
            } else {
                nodes.pop();
                order.add(node);
            }
        }
        return order;
    }
}
