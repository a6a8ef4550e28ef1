package dev.grad4j.train;

import dev.grad4j.data.DataLoader;
import dev.grad4j.io.SafeTensors;
import dev.grad4j.nn.Module;
import dev.grad4j.nn.optim.Optimizer;
import dev.grad4j.tensor.NDArray;
import dev.grad4j.tensor.StateDict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The complete state of a training run — model parameters, optimizer state, data-loader position
 * and the caller's own counters — saved to and loaded from one safetensors file, so that a run
 * stopped after step {@code k} and resumed continues bit-identically to one that never stopped.
 *
 * <p>File layout: the model's {@link Module#stateDict()} under the tensor-name prefix
 * {@code model.} (so {@code model.0.weight}), the optimizer's {@link Optimizer#stateDict()} under
 * {@code optim.} ({@code optim.lr}, {@code optim.0.exp_avg}, ...), and in the {@code __metadata__}
 * strings: {@code format = grad4j.checkpoint}, {@code version = 1}, {@code optimizer} (the
 * optimizer's class name, such as {@code Adam}), {@code loader.baseSeed}, {@code loader.epoch},
 * {@code loader.nextBatch}, and each extra counter as {@code extra.NAME}. The model part reads in
 * PyTorch like any safetensors file. Writing is atomic: a crash mid-save leaves the previous file.
 *
 * <pre>{@code
 * Checkpoint.save(file, model, optimizer, loader.state(), Map.of("step", Integer.toString(step)));
 *
 * // later, with freshly built model, optimizer and loader of the same configuration:
 * Checkpoint checkpoint = Checkpoint.load(file);
 * checkpoint.restoreInto(model, optimizer);
 * loader.restore(checkpoint.loaderState());
 * int step = Integer.parseInt(checkpoint.extra().get("step"));
 * }</pre>
 *
 * @param modelState the model's parameters by name, as {@link Module#stateDict()}
 * @param optimizerState the optimizer's state, as {@link Optimizer#stateDict()}
 * @param optimizer the simple class name of the optimizer that wrote {@code optimizerState}
 * @param loaderState the data loader's position
 * @param extra the caller's counters and notes (step, best loss, ...), by name
 */
public record Checkpoint(Map<String, NDArray> modelState, Map<String, NDArray> optimizerState, String optimizer,
        DataLoader.State loaderState, Map<String, String> extra) {

    /** Value of the {@code format} metadata entry that marks a grad4j checkpoint. */
    public static final String FORMAT = "grad4j.checkpoint";

    /** The layout version this class writes and reads. */
    public static final int VERSION = 1;

    private static final String MODEL = "model.";
    private static final String OPTIM = "optim.";
    private static final String EXTRA = "extra.";
    private static final String KEY_FORMAT = "format";
    private static final String KEY_VERSION = "version";
    private static final String KEY_OPTIMIZER = "optimizer";
    private static final String KEY_SEED = "loader.baseSeed";
    private static final String KEY_EPOCH = "loader.epoch";
    private static final String KEY_BATCH = "loader.nextBatch";

    /**
     * Checks that nothing is null and keeps unmodifiable copies of the maps (the arrays themselves are
     * not copied), in their iteration order.
     *
     * @throws NullPointerException if an argument, a name or a value is null
     */
    public Checkpoint {
        modelState = frozen("modelState", modelState);
        optimizerState = frozen("optimizerState", optimizerState);
        Objects.requireNonNull(optimizer, "Checkpoint: optimizer is null");
        Objects.requireNonNull(loaderState, "Checkpoint: loaderState is null");
        extra = frozen("extra", extra);
    }

    /**
     * Writes the current state of {@code model}, {@code optimizer}, the loader position and the
     * {@code extra} strings to {@code file}, atomically (replacing an existing file).
     *
     * @param file where to write; an existing file is replaced
     * @param model the model whose {@link Module#stateDict()} is saved
     * @param optimizer the model's optimizer, whose {@link Optimizer#stateDict()} and kind are saved
     * @param loaderState usually {@code loader.state()}, taken after the last batch trained on
     * @param extra counters and notes to save with the run, such as the global step ({@code Map.of()}
     *     for none); names and values are any non-null strings
     * @throws NullPointerException if an argument, or a name or value of {@code extra}, is null
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void save(Path file, Module model, Optimizer optimizer, DataLoader.State loaderState,
            Map<String, String> extra) {
        Objects.requireNonNull(file, "Checkpoint.save: file is null");
        Objects.requireNonNull(model, "Checkpoint.save: model is null");
        Objects.requireNonNull(optimizer, "Checkpoint.save: optimizer is null");
        StateDict state = model.stateDict();
        new Checkpoint(state, optimizer.stateDict(), optimizer.getClass().getSimpleName(),
                loaderState, extra).write(file, state.integerNames());
    }

    /**
     * Reads a checkpoint written by {@link #save}, metadata and tensors from one open of the file (so
     * from one save, even while another thread or process saves to it). Only the file's format is checked here; whether it
     * fits a model and optimizer is checked by {@link #restoreInto}.
     *
     * @param file a file written by {@link #save}
     * @throws IllegalArgumentException if the file is not a well-formed safetensors file, is not a
     *     grad4j checkpoint of a supported version, has a tensor outside {@code model.} and
     *     {@code optim.}, or lacks or garbles a metadata entry
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public static Checkpoint load(Path file) {
        Objects.requireNonNull(file, "Checkpoint.load: file is null");
        // One open: metadata and tensors come from the same save even while another thread saves.
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> meta = contents.metadata();
        if (!FORMAT.equals(meta.get(KEY_FORMAT))) {
            throw new IllegalArgumentException("Checkpoint.load: not a grad4j checkpoint (metadata format is "
                    + quoted(meta.get(KEY_FORMAT)) + ", expected \"" + FORMAT + "\"): " + file);
        }
        if (!Integer.toString(VERSION).equals(meta.get(KEY_VERSION))) {
            throw new IllegalArgumentException("Checkpoint.load: unsupported checkpoint version "
                    + quoted(meta.get(KEY_VERSION)) + " (this library reads " + VERSION + "): " + file);
        }
        String optimizer = meta.get(KEY_OPTIMIZER);
        if (optimizer == null) {
            throw new IllegalArgumentException("Checkpoint.load: metadata lacks \"" + KEY_OPTIMIZER + "\": " + file);
        }
        long seed = parseLong(file, meta, KEY_SEED);
        long epoch = parseLong(file, meta, KEY_EPOCH);
        long batch = parseLong(file, meta, KEY_BATCH);
        if (epoch < 0 || epoch > Integer.MAX_VALUE || batch < 0 || batch > Integer.MAX_VALUE
                || (epoch == 0 && batch > 0)) {
            throw new IllegalArgumentException("Checkpoint.load: invalid loader position: epoch " + epoch
                    + ", nextBatch " + batch + ": " + file);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(EXTRA)) {
                extra.put(k.substring(EXTRA.length()), v);
            }
        });
        Map<String, NDArray> model = new LinkedHashMap<>();
        Map<String, NDArray> optim = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        contents.tensors().forEach((name, value) -> {
            if (name.startsWith(MODEL)) {
                model.put(name.substring(MODEL.length()), value);
            } else if (name.startsWith(OPTIM)) {
                optim.put(name.substring(OPTIM.length()), value);
            } else {
                unexpected.add(name);
            }
        });
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException("Checkpoint.load: tensors outside \"" + MODEL + "\" and \"" + OPTIM
                    + "\": " + unexpected + ": " + file);
        }
        return new Checkpoint(model, optim, optimizer, new DataLoader.State(seed, (int) epoch, (int) batch), extra);
    }

    /**
     * Copies the saved parameters into {@code model} and the saved state into {@code optimizer}, in
     * place; the optimizer must be of the saved kind and built over {@code model.parameters()} with
     * the same configuration. Everything is checked first: on any mismatch neither is changed. The
     * loader is restored separately, with {@code loader.restore(loaderState())}.
     *
     * @param model the model to load the parameters into, built like the saved one
     * @param optimizer the optimizer over {@code model.parameters()} to load the state into
     * @throws IllegalArgumentException if the optimizer is of another kind, or the model's or the
     *     optimizer's names and shapes differ from the saved ones (the message lists every missing,
     *     unexpected and mis-shaped entry)
     */
    public void restoreInto(Module model, Optimizer optimizer) {
        Objects.requireNonNull(model, "Checkpoint.restoreInto: model is null");
        Objects.requireNonNull(optimizer, "Checkpoint.restoreInto: optimizer is null");
        String kind = optimizer.getClass().getSimpleName();
        if (!kind.equals(this.optimizer)) {
            throw new IllegalArgumentException("Checkpoint.restoreInto: the checkpoint holds the state of "
                    + this.optimizer + " but the optimizer is " + kind);
        }
        Map<String, NDArray> previous = model.stateDict();
        try {
            model.loadStateDict(modelState);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Checkpoint.restoreInto: the model does not match the checkpoint: "
                    + e.getMessage(), e);
        }
        try {
            optimizer.loadStateDict(optimizerState);
        } catch (IllegalArgumentException e) {
            model.loadStateDict(previous);
            throw new IllegalArgumentException("Checkpoint.restoreInto: the optimizer does not match the checkpoint: "
                    + e.getMessage(), e);
        }
    }

    /** Writes this checkpoint to {@code file} in the layout described above; {@code integers} are saved as I64. */
    private void write(Path file, Set<String> integers) {
        StateDict tensors = new StateDict();
        modelState.forEach((k, v) -> {
            if (integers.contains(k)) {
                tensors.putInteger(MODEL + k, v);
            } else {
                tensors.put(MODEL + k, v);
            }
        });
        optimizerState.forEach((k, v) -> tensors.put(OPTIM + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, FORMAT);
        meta.put(KEY_VERSION, Integer.toString(VERSION));
        meta.put(KEY_OPTIMIZER, optimizer);
        meta.put(KEY_SEED, Long.toString(loaderState.baseSeed()));
        meta.put(KEY_EPOCH, Integer.toString(loaderState.epoch()));
        meta.put(KEY_BATCH, Integer.toString(loaderState.nextBatch()));
        extra.forEach((k, v) -> meta.put(EXTRA + k, v));
        SafeTensors.save(file, tensors, meta);
    }

    /** {@code Checkpoint[Adam, 6 model tensors, 13 optimizer tensors, loader epoch 2 batch 5, extra [step]]}. */
    @Override
    public String toString() {
        return "Checkpoint[" + optimizer + ", " + modelState.size() + " model tensors, " + optimizerState.size()
                + " optimizer tensors, loader epoch " + loaderState.epoch() + " batch " + loaderState.nextBatch()
                + ", extra " + extra.keySet() + "]";
    }

    private static <V> Map<String, V> frozen(String what, Map<String, V> map) {
        Objects.requireNonNull(map, "Checkpoint: " + what + " is null");
        Map<String, V> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "Checkpoint: null name in " + what),
                Objects.requireNonNull(v, "Checkpoint: null value of " + k + " in " + what)));
        return Collections.unmodifiableMap(copy);
    }

    private static long parseLong(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException("Checkpoint.load: metadata lacks \"" + key + "\": " + file);
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Checkpoint.load: metadata \"" + key + "\" is not an integer: \""
                    + v + "\": " + file, e);
        }
    }

    private static String quoted(String s) {
        return s == null ? "absent" : "\"" + s + "\"";
    }
}
