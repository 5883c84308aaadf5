package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.jsonl.JsonlExporter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "jsonl",
    mixinStandardHelpOptions = true,
    description = {
      "Export memories in the open memvault JSONL format (docs/FORMAT.md).",
      "",
      "One line per memory with every revision and every field, conversations with",
      "their messages, so 'memvault import jsonl' rebuilds the same memories in any",
      "vault. Forgotten memories are left out.",
      "",
      "The export is NOT encrypted: whoever can read it reads your memories. With",
      "-o, the file is readable by you only and appears only once it is complete.",
      "",
      "Examples:",
      "  memvault export jsonl -o memories.jsonl",
      "  memvault export jsonl --scope work --scope health > some.jsonl"
    })
final class ExportJsonlCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "Only this scope; repeat for several (default: every scope).")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Write to FILE instead of standard output. Refused if it exists, unless --force.")
  Path output;

  @Option(
      names = "--force",
      description = "Replace FILE if it exists; the old file stays until the new one is complete.")
  boolean force;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    if (force && output == null) {
      throw new Main.UsageException("--force goes with -o FILE");
    }
    // Refused before asking for the passphrase; the exporter checks again when it writes.
    if (output != null && !force && Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new VaultException.AlreadyExists(
          output + " already exists; nothing was written (use --force to replace it)");
    }
    try (MemoryVault opened = vault.open()) {
      JsonlExporter exporter = new JsonlExporter(opened).onlyScopes(scopes);
      if (output == null) {
        long count = exporter.writeTo(context.out());
        if (context.out().checkError()) {
          throw new VaultException("the export could not be written to standard output");
        }
        context.err().println("exported " + memories(count) + "; the export is not encrypted");
      } else {
        long count = exporter.writeToFile(output, force);
        context
            .out()
            .println(
                "Exported "
                    + memories(count)
                    + " to "
                    + output
                    + ". The file is not encrypted: keep it safe.");
      }
    }
    return Main.OK;
  }

  static String memories(long count) {
    return count + (count == 1 ? " memory" : " memories");
  }
}
