package dev.grad4j.tensor;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every method of the Vector API kernels that takes or returns a vector is at most 35 bytes of
 * bytecode, C2's {@code MaxInlineSize}, so C2 inlines it however cold its call site looks. A
 * larger one is inlined only when its call site looks hot in the profile C2 compiles from; when it
 * does not, the vectors are boxed at every call and the JVM runs several times slower for the rest
 * of its life (JDK 25 ran the MLP at 275, 12,364 or 58,437 samples/s in three runs of one command
 * while a 120-byte helper of the GEMM fell out of inlining; see docs/performance.md). The sizes are
 * read from the class files.
 */
class VectorInliningTest {

    /** C2's default {@code -XX:MaxInlineSize}: a callee of at most this many bytes is inlined at cold call sites too. */
    private static final int MAX_INLINE_SIZE = 35;

    /** Larger vector methods that are never on a hot path, with the reason. */
    private static final Map<String, String> EXEMPT = Map.of(
            "VectorGemmKernels.laneBitMask", "class initialisation only",
            "VectorGemmKernels.laneXor", "class initialisation only",
            "VectorGemmKernels.halves", "class initialisation only",
            "VectorGemmKernels.sumWide", "only for vectors of more than 16 floats (none on x86)");

    private static final List<Class<?>> KERNELS = List.of(VectorElementwiseKernels.class, VectorGemmKernels.class,
            VectorLayerNormKernels.class, VectorNormKernels.class, VectorOptimizerKernels.class,
            VectorPackedAttentionKernels.class);

    @Test
    void vectorHelpersAreSmallEnoughToBeAlwaysInlined() throws IOException {
        List<String> tooLarge = new ArrayList<>();
        int vectorMethods = 0;
        for (Class<?> kernels : KERNELS) {
            for (MethodSize m : methodSizes(kernels)) {
                boolean takesOrReturnsVector = m.descriptor().contains("Ljdk/incubator/vector/");
                String name = kernels.getSimpleName() + "." + m.name();
                if (!takesOrReturnsVector || m.name().startsWith("<") || EXEMPT.containsKey(name)) {
                    continue;
                }
                vectorMethods++;
                if (m.codeLength() > MAX_INLINE_SIZE) {
                    tooLarge.add(name + m.descriptor() + ": " + m.codeLength() + " bytes");
                }
            }
        }
        assertThat(tooLarge).as("vector helpers above MaxInlineSize").isEmpty();
        assertThat(vectorMethods).as("vector helpers found (the class-file reader works)").isGreaterThan(3);
    }

    @Test
    void readsTheSizeOfAKnownMethod() throws IOException {
        // fold is t.add(t.rearrange(shuffle)): a handful of instructions
        MethodSize fold = methodSizes(VectorGemmKernels.class).stream()
                .filter(m -> m.name().equals("fold")).findFirst().orElseThrow();
        assertThat(fold.descriptor()).isEqualTo(
                "(Ljdk/incubator/vector/FloatVector;Ljdk/incubator/vector/VectorShuffle;)Ljdk/incubator/vector/FloatVector;");
        assertThat(fold.codeLength()).isBetween(5, MAX_INLINE_SIZE);
    }

    private record MethodSize(String name, String descriptor, int codeLength) {
    }

    /** The methods of a class and the length of their bytecode, read from its class file (JVMS §4). */
    private static List<MethodSize> methodSizes(Class<?> type) throws IOException {
        try (InputStream raw = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            assertThat(raw).as("class file of " + type.getName()).isNotNull();
            DataInputStream in = new DataInputStream(raw);
            in.readInt(); // magic
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++; // long and double take two entries
                    }
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    default -> throw new IOException("unknown constant pool tag " + tag + " in " + type);
                }
            }
            in.skipNBytes(6); // access flags, this, super
            in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
            int fields = in.readUnsignedShort();
            for (int f = 0; f < fields; f++) {
                in.skipNBytes(6);
                skipAttributes(in);
            }
            int methods = in.readUnsignedShort();
            List<MethodSize> out = new ArrayList<>();
            for (int mi = 0; mi < methods; mi++) {
                in.skipNBytes(2);
                String name = utf8[in.readUnsignedShort()];
                String descriptor = utf8[in.readUnsignedShort()];
                int codeLength = -1;
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attribute = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if (attribute.equals("Code")) {
                        in.skipNBytes(4); // max stack, max locals
                        codeLength = in.readInt();
                        in.skipNBytes(length - 8L);
                    } else {
                        in.skipNBytes(length);
                    }
                }
                out.add(new MethodSize(name, descriptor, codeLength));
            }
            return out;
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.skipNBytes(2);
            in.skipNBytes(in.readInt());
        }
    }
}
