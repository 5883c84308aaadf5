package dev.memvault.sdk.portable.pam;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.provider.ImportOptions;
import java.nio.file.Path;

/** The child process of {@link LargePamImportTest}: imports one PAM export, prints its counts. */
public final class LargePamImportMain {
  private LargePamImportMain() {}

  public static void main(String[] args) {
    try (MemoryVault vault = MemoryVault.open(Path.of(args[0]), "a passphrase".toCharArray())) {
      PamImportReport report =
          new PamImporter(vault).importFrom(Path.of(args[1]), ImportOptions.defaults());
      System.out.println(
          "read="
              + report.memoriesRead()
              + " added="
              + report.memoriesAdded()
              + " present="
              + report.memoriesAlreadyPresent()
              + " relations="
              + report.relationsKept()
              + " conversations="
              + report.conversationsAdded()
              + "/"
              + report.conversationsUnchanged()
              + " messages="
              + report.messagesAdded()
              + "/"
              + report.messagesAlreadyPresent()
              + " failed="
              + report.failures().size());
    }
  }
}
