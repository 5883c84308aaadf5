package dev.memvault.sdk.portable.jsonl;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JSONL export as a person hands {@code memvault import jsonl}, as arbitrary bytes, imported into
 * a real vault. The import must read it (each bad line is reported in the {@link ImportReport}) or
 * refuse it whole with {@link VaultException.InvalidInput}; anything else thrown is a crash the
 * fuzzer reports.
 *
 * <p>In a normal test run the harness replays its corpus under {@code src/test/resources} (the
 * seeds and every input that once crashed it); {@code JAZZER_FUZZ=1} fuzzes it (docs/FUZZING.md).
 */
class JsonlImportFuzzTest {
  /** One vault for every execution: an export's memories are skipped when imported again. */
  private static final MemoryVault VAULT;

  static {
    try {
      Path scratch = Files.createTempDirectory("memvault-fuzz-jsonl");
      scratch.toFile().deleteOnExit();
      VAULT = MemoryVault.create(scratch.resolve("vault"), "a passphrase".toCharArray()).vault();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void jsonlExport_anyBytes_importedOrRefused(byte[] bytes) {
    try {
      new JsonlImporter(VAULT).importFrom(new ByteArrayInputStream(bytes), "the export");
    } catch (VaultException.InvalidInput e) {
      // refused: the property holds
    }
  }
}
