/**
 * Optimizers and learning-rate schedules with exactly the update rules of {@code torch.optim}
 * (1.13): {@link dev.grad4j.nn.optim.SGD} (momentum, dampening, Nesterov, weight decay),
 * {@link dev.grad4j.nn.optim.Momentum}, {@link dev.grad4j.nn.optim.Adam} (bias-corrected, L2
 * weight decay, AMSGrad), {@link dev.grad4j.nn.optim.AdamW} (decoupled weight decay); the
 * schedules {@link dev.grad4j.nn.optim.StepLR}, {@link dev.grad4j.nn.optim.CosineAnnealingLR} and
 * {@link dev.grad4j.nn.optim.LinearWarmup}; and {@link dev.grad4j.nn.optim.GradientClipping}.
 *
 * <p>An optimizer receives its parameters at construction and updates them in place on
 * {@link dev.grad4j.nn.optim.Optimizer#step step(Gradients)}; its state dict makes a run
 * resumable bit for bit.
 *
 * <pre>{@code
 * Optimizer optimizer = new Adam(model.parameters(), 1e-3f);
 * LrScheduler schedule = new StepLR(optimizer, 10, 0.5f);
 * for (int epoch = 0; epoch < 30; epoch++) {
 *     Gradients grads = Losses.mse(model.forward(x), y).backward();
 *     GradientClipping.clipNorm(grads, 1f);
 *     optimizer.step(grads);
 *     schedule.step();
 * }
 * }</pre>
 */
package dev.grad4j.nn.optim;
