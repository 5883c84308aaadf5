package dev.memvault.sdk.portable.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zips fuzzing found (ProviderImportFuzzTest's inputs): each is refused with {@link
 * ExportFormatException} and one line that says the download is damaged, and imports nothing.
 */
class DamagedZipImportTest {
  private static final String FINDINGS =
      "/dev/memvault/sdk/portable/provider/ProviderImportFuzzTestInputs/"
          + "chatGptExport_anyBytes_importedOrRefused/";
  private static final String FIRST_CONVERSATION = "6a1f0c2e-0001-4c3b-9d1e-aaaaaaaaaaa1";

  @TempDir static Path temp;
  private static MemoryVault vault;

  @BeforeAll
  static void createVault() {
    vault = Fixtures.newVault(temp.resolve("vault"));
  }

  @AfterAll
  static void close() {
    vault.close();
  }

  @Test
  void brokenDeflateStream_import_refusedAsDamaged() throws IOException {
    Path export = finding("damaged-deflate-stream-crash-c0482a97");

    ExportFormatException refused =
        assertThrows(ExportFormatException.class, () -> importChatGpt(export));

    assertEquals(
        "conversations.json in "
            + export
            + " is damaged (invalid distance too far back), before the first conversation:"
            + " download the export again",
        refused.getMessage());
    assertEquals(0, refused.importedBefore().orElseThrow().conversationsRead());
    assertFalse(Fixtures.anyImported(vault, "chatgpt", FIRST_CONVERSATION));
  }

  @Test
  void directoryPastTheEnd_import_refusedAsDamaged() throws IOException {
    Path export = finding("zip-directory-past-end-crash-7289eefa");

    ExportFormatException refused =
        assertThrows(ExportFormatException.class, () -> importChatGpt(export));

    assertEquals(
        export
            + " is a damaged zip archive (it ends before its directory says); download the"
            + " export again",
        refused.getMessage());
    assertFalse(Fixtures.anyImported(vault, "chatgpt", FIRST_CONVERSATION));
  }

  private static void importChatGpt(Path export) {
    Fixtures.importInto(vault, Provider.CHATGPT, export);
  }

  private static Path finding(String name) throws IOException {
    Path copy = temp.resolve(name + ".zip");
    try (InputStream in = DamagedZipImportTest.class.getResourceAsStream(FINDINGS + name)) {
      Files.copy(in, copy);
    }
    return copy;
  }
}
