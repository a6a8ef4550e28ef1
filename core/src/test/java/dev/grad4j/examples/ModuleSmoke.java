package dev.grad4j.examples;

import dev.grad4j.autograd.Tensor;

import java.util.Arrays;

/**
 * Run by {@link ModuleDescriptorTest} in a child JVM with grad4j on the module path: prints the
 * module that holds the library's classes and the XOR example's predictions computed through it.
 */
public final class ModuleSmoke {

    private ModuleSmoke() {
    }

    public static void main(String[] args) {
        System.out.println("module " + Tensor.class.getModule().getName());
        System.out.println("xor " + Arrays.toString(Xor.train(Xor.SEED)));
    }
}
