package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.pam.PamExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "pam",
    mixinStandardHelpOptions = true,
    description = {
      "Export memories as Portable AI Memory (PAM v1.0), the interchange format other",
      "memory tools read (docs/FORMAT.md, \"PAM\").",
      "",
      "Writes DIR/memory-store.json with every memory, its content hash, the links",
      "between memories and the integrity checksum, and DIR/conversations/ID.json for",
      "each conversation with its messages. Forgotten memories are left out; of a",
      "memory's revisions only the current one goes, and embeddings do not.",
      "",
      "The export is NOT encrypted: whoever can read it reads your memories. DIR is",
      "readable by you only and appears only once it is complete. It is not signed.",
      "",
      "Examples:",
      "  memvault export pam -o my-memories",
      "  memvault export pam -o work-memories --scope work"
    })
final class ExportPamCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "Only this scope; repeat for several (default: every scope).")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      required = true,
      description = "The directory to create; refused if it exists and is not empty.")
  Path output;

  @Override
  public Integer call() {
    // Refused before asking for the passphrase; the exporter checks again when it writes.
    if (Files.exists(output) && !isEmptyDirectory(output)) {
      throw new VaultException.AlreadyExists(
          output + " already exists and is not an empty directory; nothing was written");
    }
    try (MemoryVault opened = vault.open()) {
      PamExporter.Result result = new PamExporter(opened).onlyScopes(scopes).writeTo(output);
      vault
          .context()
          .out()
          .println(
              "Exported "
                  + ExportJsonlCommand.memories(result.memories())
                  + ", "
                  + result.conversations()
                  + (result.conversations() == 1 ? " conversation" : " conversations")
                  + " ("
                  + result.messages()
                  + (result.messages() == 1 ? " message" : " messages")
                  + ") as PAM to "
                  + output
                  + ". It is not encrypted: keep it safe.");
    }
    return Main.OK;
  }

  private static boolean isEmptyDirectory(Path path) {
    try (Stream<Path> entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }
}
