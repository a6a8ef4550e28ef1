/**
 * Reading and writing arrays in the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, so weights move between grad4j, PyTorch and the rest of the ecosystem.
 *
 * <pre>{@code
 * SafeTensors.save(Path.of("model.safetensors"), model.stateDict());
 * Map<String, NDArray> weights = SafeTensors.load(Path.of("model.safetensors"));
 * }</pre>
 *
 * <p>The header is parsed by a small strict JSON reader inside this package; there is no runtime
 * dependency on a JSON library.
 */
package dev.grad4j.io;
