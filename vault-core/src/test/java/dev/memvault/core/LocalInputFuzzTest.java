package dev.memvault.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.memvault.core.grant.ProviderKey;
import dev.memvault.core.grant.ProviderPublicKey;
import dev.memvault.core.internal.backup.VaultBackup;
import dev.memvault.core.internal.crypto.RecoveryKey;
import dev.memvault.core.internal.search.SearchQuery;
import dev.memvault.core.vault.VaultHeaderFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a person or another program hands the vault, as arbitrary input: a {@code vault.header}, a
 * backup file's clear header, recovery key text, provider key files and a search. Each must be read
 * or refused with the exception its method declares for bad input; anything else thrown is a crash
 * the fuzzer reports.
 *
 * <p>In a normal test run each harness replays its corpus under {@code src/test/resources} (the
 * seeds and every input that once crashed it); {@code JAZZER_FUZZ=1} fuzzes it (docs/FUZZING.md).
 */
class LocalInputFuzzTest {
  private static final Path SCRATCH;

  static {
    try {
      SCRATCH = Files.createTempDirectory("memvault-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SCRATCH.toFile().deleteOnExit();
  }

  @FuzzTest(maxDuration = "60s")
  void vaultHeader_anyBytes_readOrRefusedAsDamaged(byte[] bytes) throws IOException {
    Files.write(VaultHeaderFile.path(SCRATCH), bytes);
    try {
      VaultHeaderFile.read(SCRATCH);
    } catch (VaultException e) {
      // refused: the property holds
    }
  }

  @FuzzTest(maxDuration = "60s")
  void backupHeader_anyBytes_readOrRefused(byte[] bytes) throws IOException {
    Path file = SCRATCH.resolve("backup");
    Files.write(file, bytes);
    try {
      VaultBackup.readHeader(file);
    } catch (IOException e) {
      // refused: the property holds
    }
  }

  @FuzzTest(maxDuration = "60s")
  void keyTexts_anyText_parsedOrRefused(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    try {
      RecoveryKey.parse(text);
    } catch (RecoveryKey.InvalidRecoveryKeyException e) {
      // refused: the property holds
    }
    try {
      ProviderPublicKey.parse(text);
    } catch (VaultException.InvalidInput e) {
      // refused: the property holds
    }
    try {
      ProviderKey.parse(text);
    } catch (VaultException.InvalidInput e) {
      // refused: the property holds
    }
  }

  @FuzzTest(maxDuration = "60s")
  void searchQuery_anyText_parsedOrRefused(FuzzedDataProvider data) {
    try {
      SearchQuery.parse(data.consumeRemainingAsString());
    } catch (VaultException.InvalidInput e) {
      // refused: the property holds
    }
  }
}
