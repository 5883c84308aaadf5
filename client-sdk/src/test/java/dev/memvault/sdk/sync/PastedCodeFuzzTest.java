package dev.memvault.sdk.sync;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.memvault.core.VaultException;

/**
 * What a person pastes into the CLI, as arbitrary text: a pairing code ({@code memvault join}) and
 * a grant reference (what {@code grant create} printed, handed to a provider). Each must be read or
 * refused with {@link VaultException.InvalidInput}; anything else thrown is a crash the fuzzer
 * reports.
 *
 * <p>In a normal test run the harness replays its corpus under {@code src/test/resources} (the
 * seeds and every input that once crashed it); {@code JAZZER_FUZZ=1} fuzzes it (docs/FUZZING.md).
 */
class PastedCodeFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void pastedCodes_anyText_parsedOrRefused(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    try {
      PairingCode.parse(text);
    } catch (VaultException.InvalidInput e) {
      // refused: the property holds
    }
    try {
      GrantReference.parse(text);
    } catch (VaultException.InvalidInput e) {
      // refused: the property holds
    }
  }
}
