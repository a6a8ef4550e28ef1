package dev.grad4j.nn;

/** Checks shared by the convolution layers. */
final class ConvLayers {

    private ConvLayers() {
    }

    /** Channels positive and divisible by {@code groups}. */
    static void checkChannels(String layer, int in, int out, int groups) {
        if (in <= 0 || out <= 0 || groups <= 0) {
            throw new IllegalArgumentException(layer + ": in, out and groups must be positive: in=" + in
                    + ", out=" + out + ", groups=" + groups);
        }
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(layer + ": groups " + groups + " must divide in=" + in
                    + " and out=" + out);
        }
    }
}
