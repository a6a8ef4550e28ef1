/**
 * Support for training runs that combines the other layers: {@link dev.grad4j.train.Checkpoint}
 * saves a model, its optimizer, its {@link dev.grad4j.data.DataLoader} position and any counters to
 * one safetensors file and restores them so that training resumes bit for bit.
 *
 * <p>This package sits on top: it uses {@code nn}, {@code nn.optim}, {@code data} and {@code io},
 * and none of them uses it, so {@code io} stays a plain format library beside {@code nn}.
 *
 * <pre>{@code
 * Checkpoint.save(file, model, optimizer, loader.state(), Map.of("step", Long.toString(step)));
 * ...
 * Checkpoint checkpoint = Checkpoint.load(file);
 * checkpoint.restoreInto(model, optimizer);
 * loader.restore(checkpoint.loaderState());
 * long step = Long.parseLong(checkpoint.extra().get("step"));
 * }</pre>
 */
package dev.grad4j.train;
