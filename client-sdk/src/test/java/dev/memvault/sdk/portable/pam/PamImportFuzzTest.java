package dev.memvault.sdk.portable.pam;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.ImportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Portable AI Memory export as a person hands {@code memvault import pam}, as arbitrary bytes:
 * its {@code memory-store.json}, and a conversation file a valid store names. The import must read
 * it (a damaged conversation file is listed in the report) or refuse the store with {@link
 * VaultException.InvalidInput}; anything else thrown is a crash the fuzzer reports.
 *
 * <p>In a normal test run each harness replays its corpus under {@code src/test/resources} (the
 * seeds and every input that once crashed it); {@code JAZZER_FUZZ=1} fuzzes it (docs/FUZZING.md).
 */
class PamImportFuzzTest {
  private static final String CONVERSATION = "conversations/trip-planning.json";

  /** An export whose store is fuzzed; it holds the hand-written conversation file. */
  private static final Path FUZZED_STORE;

  /** The hand-written export, whose conversation file is fuzzed. */
  private static final Path FUZZED_CONVERSATION;

  /** One vault for every execution: importing what is there already adds nothing. */
  private static final MemoryVault VAULT;

  static {
    try {
      Path scratch = Files.createTempDirectory("memvault-fuzz-pam");
      scratch.toFile().deleteOnExit();
      FUZZED_STORE = handWritten(scratch.resolve("store"));
      FUZZED_CONVERSATION = handWritten(scratch.resolve("conversation"));
      VAULT = MemoryVault.create(scratch.resolve("vault"), "a passphrase".toCharArray()).vault();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void pamStore_anyBytes_importedOrRefused(byte[] bytes) throws IOException {
    Files.write(FUZZED_STORE.resolve(PamFormat.STORE_FILE), bytes);
    importOrRefuse(FUZZED_STORE);
  }

  @FuzzTest(maxDuration = "60s")
  void pamConversation_anyBytes_importedOrRefused(byte[] bytes) throws IOException {
    Files.write(FUZZED_CONVERSATION.resolve(CONVERSATION), bytes);
    importOrRefuse(FUZZED_CONVERSATION);
  }

  private static void importOrRefuse(Path export) {
    try {
      new PamImporter(VAULT).importFrom(export, ImportOptions.defaults());
    } catch (VaultException.InvalidInput e) {
      // refused: the property holds
    }
  }

  /** A copy of the test resources' hand-written export in {@code directory}. */
  private static Path handWritten(Path directory) throws IOException {
    Files.createDirectories(directory.resolve("conversations"));
    for (String file : new String[] {PamFormat.STORE_FILE, CONVERSATION}) {
      try (InputStream in =
          PamImportFuzzTest.class.getResourceAsStream("/pam/hand-written/" + file)) {
        Files.copy(in, directory.resolve(file));
      }
    }
    return directory;
  }
}
