package dev.memvault.sdk.portable.provider;

import dev.memvault.sdk.MemoryVault;
import java.nio.file.Path;

/**
 * The child process of {@link LargeExportImportTest}: imports one ChatGPT export, prints counts.
 */
public final class LargeExportImportMain {
  private LargeExportImportMain() {}

  public static void main(String[] args) {
    try (MemoryVault vault = MemoryVault.open(Path.of(args[0]), "a passphrase".toCharArray())) {
      ImportSummary summary =
          ProviderImporter.run(vault, Provider.CHATGPT, Path.of(args[1]), ImportOptions.defaults());
      System.out.println(
          "read="
              + summary.conversationsRead()
              + " added="
              + summary.conversationsAdded()
              + " messages="
              + summary.messagesAdded()
              + " failed="
              + summary.failures().size());
    }
  }
}
