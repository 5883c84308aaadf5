package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Keyed record ids (docs/FORMAT.md, section 6.6) against the vector of section 11.12. */
class RecordIdsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] VAULT_ID = HEX.parseHex("00112233445566778899aabbccddeeff");

  private static RootKey vectorRoot() {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    return RootKey.of(SecretBytes.copyFrom(bytes, InsecureSecretKeyAccess.get()));
  }

  @Test
  void keyed_vectorFromFormatDocument_givesTheDocumentedIds() throws Exception {
    List<String> blocks = codeBlocks("### 11.12 ");
    List<String> expected = blocks.get(1).lines().map(String::strip).toList();

    RecordIds ids = RecordIds.of(vectorRoot(), VAULT_ID);

    assertEquals(
        expected,
        List.of(
            HEX.formatHex(ids.keyed(UUID.fromString("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"))),
            HEX.formatHex(ids.keyed(UUID.fromString("017f22e2-79b0-7cc3-98c4-dc0c0c073990")))));
  }

  @Test
  void keyed_otherVaultOrOtherRootKey_givesAnotherId() {
    UUID memory = UUID.fromString("017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
    byte[] here = RecordIds.of(vectorRoot(), VAULT_ID).keyed(memory);
    byte[] otherVault = VAULT_ID.clone();
    otherVault[15] ^= 1;

    assertNotEquals(
        HEX.formatHex(here), HEX.formatHex(RecordIds.of(vectorRoot(), otherVault).keyed(memory)));
    assertNotEquals(
        HEX.formatHex(here),
        HEX.formatHex(RecordIds.of(RootKey.generate(), VAULT_ID).keyed(memory)));
  }

  @Test
  void uuidBytes_textOrder() {
    assertEquals(
        "017f22e279b07cc398c4dc0c0c07398f",
        HEX.formatHex(
            RecordIds.uuidBytes(UUID.fromString("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"))));
  }

  /** The code blocks under the heading that starts with {@code heading}, in order. */
  private static List<String> codeBlocks(String heading) throws java.io.IOException {
    // Maven runs tests with the module directory (vault-core/) as the working directory.
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "FORMAT.md"));
    int at = 0;
    while (!lines.get(at).startsWith(heading)) {
      at++;
    }
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
      if (lines.get(i).startsWith("```")) {
        if (block == null) {
          block = new StringBuilder();
        } else {
          blocks.add(block.toString().strip());
          block = null;
        }
      } else if (block != null) {
        block.append(lines.get(i)).append('\n');
      }
    }
    return blocks;
  }
}
