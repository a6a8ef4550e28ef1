package dev.grad4j;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.fail;

/** Runs one whole training-run case (filled in with the nn layer). */
final class GoldenTraining {

    private GoldenTraining() {
    }

    static void run(JsonNode c) {
        fail("training case %s is not supported yet", c.get("name").asText());
    }
}
