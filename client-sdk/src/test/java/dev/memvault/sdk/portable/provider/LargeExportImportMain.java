package dev.memvault.sdk.portable.provider;

import dev.memvault.sdk.MemoryVault;
import java.nio.file.Path;

/**
 * The child process of the large-export tests: imports one export (of the provider named by the
 * third argument, ChatGPT when there is none), prints counts.
 */
public final class LargeExportImportMain {
  private LargeExportImportMain() {}

  public static void main(String[] args) {
    try (MemoryVault vault = MemoryVault.open(Path.of(args[0]), "a passphrase".toCharArray())) {
      Provider provider = args.length > 2 ? Provider.valueOf(args[2]) : Provider.CHATGPT;
      ImportSummary summary =
          ProviderImporter.run(vault, provider, Path.of(args[1]), ImportOptions.defaults());
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
