package org.sparkimage.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.sparkimage.testing.FuzzBounds;

/**
 * {@link ModelCard#fromJson(String)}, the card parser every loader goes through: any text gives a
 * card or an {@link IllegalArgumentException}; nothing else, within the time and allocation bounds.
 * A card it returns survives its own JSON form unchanged. Seeds: the shipped cards and edge cases
 * in {@code ModelCardFuzzTestInputs/fromJson/}; see docs/fuzzing.md.
 */
class ModelCardFuzzTest {
    /**
     * A valid card is parsed twice and written three times per input (round trip and equals),
     * all with Jazzer's string hooks when fuzzing: 1.3 MB was seen for a 769-byte card.
     */
    @Timeout(value = FuzzBounds.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    @FuzzTest(maxDuration = "5s")
    void fromJson(byte[] data) throws Exception {
        String json = new String(data, StandardCharsets.UTF_8);
        FuzzBounds.run(data.length, 8 << 20, 1024, "ModelCard.fromJson", () -> {
            ModelCard card;
            try {
                card = ModelCard.fromJson(json);
            } catch (IllegalArgumentException e) {
                return;
            }
            assertEquals(card, ModelCard.fromJson(card.toJson()), "JSON round trip");
        });
    }
}
