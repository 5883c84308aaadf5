package dev.memvault.sdk.portable.provider;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A provider's data export as a person hands {@code memvault import chatgpt} (claude, gemini,
 * grok), as arbitrary bytes written to a file: a zip when the bytes start like one, else the JSON
 * file itself. The import must read it (a conversation the file describes badly is listed in the
 * summary) or stop with {@link ExportFormatException}; anything else thrown is a crash the fuzzer
 * reports.
 *
 * <p>In a normal test run each harness replays its corpus under {@code src/test/resources} (the
 * seeds and every input that once crashed it); {@code JAZZER_FUZZ=1} fuzzes it (docs/FUZZING.md).
 */
class ProviderImportFuzzTest {
  /**
   * The names a Claude file is given: the file name decides what a loose JSON file holds. The
   * fuzzer picks one with the input's last byte.
   */
  private static final List<String> CLAUDE_FILES =
      List.of(
          "conversations.json", ProviderImporter.CLAUDE_MEMORIES, ProviderImporter.CLAUDE_PROJECTS);

  private static final Path SCRATCH;

  /** One vault for every execution: importing what is there already adds nothing. */
  private static final MemoryVault VAULT;

  static {
    try {
      SCRATCH = Files.createTempDirectory("memvault-fuzz-provider");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SCRATCH.toFile().deleteOnExit();
    VAULT = MemoryVault.create(SCRATCH.resolve("vault"), "a passphrase".toCharArray()).vault();
  }

  @FuzzTest(maxDuration = "60s")
  void chatGptExport_anyBytes_importedOrRefused(byte[] bytes) {
    importOrRefuse(Provider.CHATGPT, write("chatgpt-export", bytes));
  }

  @FuzzTest(maxDuration = "60s")
  void claudeExport_anyFile_importedOrRefused(FuzzedDataProvider data) {
    String name = CLAUDE_FILES.get(data.consumeInt(0, CLAUDE_FILES.size() - 1));
    importOrRefuse(Provider.CLAUDE, write(name, data.consumeRemainingAsBytes()));
  }

  @FuzzTest(maxDuration = "60s")
  void geminiExport_anyBytes_importedOrRefused(byte[] bytes) {
    importOrRefuse(Provider.GEMINI, write("takeout", bytes));
  }

  @FuzzTest(maxDuration = "60s")
  void grokExport_anyBytes_importedOrRefused(byte[] bytes) {
    importOrRefuse(Provider.GROK, write("grok-export", bytes));
  }

  private static void importOrRefuse(Provider provider, Path export) {
    try {
      ProviderImporter.run(VAULT, provider, export, ImportOptions.defaults());
    } catch (ExportFormatException e) {
      // refused: the property holds
    }
  }

  private static Path write(String name, byte[] bytes) {
    Path file = SCRATCH.resolve(name);
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
