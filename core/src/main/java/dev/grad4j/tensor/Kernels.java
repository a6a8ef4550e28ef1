package dev.grad4j.tensor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernel implementation once per JVM: the Java Vector API kernels when the
 * {@code jdk.incubator.vector} module is present (start the JVM with
 * {@code --add-modules jdk.incubator.vector}), otherwise the scalar ones. Setting the system
 * property {@code grad4j.kernels=scalar} forces the scalar kernels.
 */
final class Kernels {

    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);

    private static final boolean VECTOR = vectorApiAvailable();

    static final GemmKernels GEMM = selectGemm();
    static final ElementwiseKernels ELEMENTWISE = VECTOR ? VectorSupport.elementwise() : new ElementwiseKernels();
    static final OptimizerKernels OPTIMIZER = VECTOR ? VectorSupport.optimizer() : new OptimizerKernels();
    static final LayerNormKernels LAYER_NORM = VECTOR ? VectorSupport.layerNorm() : new LayerNormKernels();
    static final NormKernels BATCH_NORM = VECTOR ? VectorSupport.batchNorm() : new NormKernels();
    static final PackedAttentionKernels ATTENTION = VECTOR ? VectorSupport.attention() : new PackedAttentionKernels();

    private Kernels() {
    }

    /** True if the Vector API module is in the boot layer and not disabled by the property. */
    static boolean vectorApiAvailable() {
        return !"scalar".equals(System.getProperty("grad4j.kernels"))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The one line a user sees when the fast kernels are off without having asked for it. */
    static final String SCALAR_NOTICE = "grad4j: the Java Vector API is not enabled, so the scalar kernels run"
            + " (several times slower). Start the JVM with --add-modules jdk.incubator.vector to use the fast"
            + " kernels, e.g. JDK_JAVA_OPTIONS=\"--add-modules jdk.incubator.vector\" (see the README for Maven and"
            + " Gradle). Set -Dgrad4j.kernels=scalar to choose the scalar kernels without this notice.";

    private static GemmKernels selectGemm() {
        if (!VECTOR && !"scalar".equals(System.getProperty("grad4j.kernels"))) {
            LOG.info(SCALAR_NOTICE);
        }
        GemmKernels k = VECTOR ? VectorSupport.gemmKernels() : new ScalarGemmKernels();
        LOG.debug("grad4j kernels: {} ({} x {} register tile), {} kernel thread(s)",
                k.name(), k.mr(), k.nr(), KernelPool.THREADS);
        return k;
    }

    /** The name of the selected kernel implementation, such as {@code "vector-256"} or {@code "scalar"}. */
    static String name() {
        return GEMM.name();
    }

    /** Keeps the reference to the Vector API classes out of {@link Kernels} itself. */
    private static final class VectorSupport {
        static GemmKernels gemmKernels() {
            return new VectorGemmKernels();
        }

        static ElementwiseKernels elementwise() {
            return new VectorElementwiseKernels();
        }

        static OptimizerKernels optimizer() {
            return new VectorOptimizerKernels();
        }

        static LayerNormKernels layerNorm() {
            return new VectorLayerNormKernels();
        }

        static NormKernels batchNorm() {
            return new VectorNormKernels();
        }

        static PackedAttentionKernels attention() {
            return new VectorPackedAttentionKernels();
        }
    }
}
