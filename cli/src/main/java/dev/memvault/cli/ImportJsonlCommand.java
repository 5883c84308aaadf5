package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.jsonl.ImportReport;
import dev.memvault.sdk.portable.jsonl.JsonlImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "jsonl",
    mixinStandardHelpOptions = true,
    description = {
      "Import a memvault JSONL export, as 'memvault export jsonl' writes it.",
      "",
      "Every memory comes back exactly: the same id, every revision, tags,",
      "attributes, sources, embeddings, links, conversations with their messages,",
      "and fields that only a newer memvault knows. A memory whose id the vault",
      "already holds (imported before, or forgotten since) is skipped, so importing",
      "the same file twice is safe.",
      "",
      "Each memory is imported whole or not at all. A line that cannot be imported",
      "is reported with its number and the reason, the other lines are imported,",
      "and the exit status is 1. A file cut short is reported as such. A file in a",
      "newer format (memvault.v2 and later) is refused whole.",
      "",
      "Example: memvault import jsonl memories.jsonl"
    })
final class ImportJsonlCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Parameters(paramLabel = "FILE", description = "The export to import, or '-' for standard input.")
  String file;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    boolean stdin = file.equals("-");
    // Checked before asking for the passphrase, so a typo costs no key derivation.
    if (!stdin && !Files.exists(Path.of(file))) {
      throw new VaultException.NotFound("there is no file " + file);
    }
    if (!stdin && Files.isDirectory(Path.of(file))) {
      throw new VaultException.InvalidInput(file + " is a directory; name an export file");
    }
    ImportReport report;
    try (MemoryVault opened = vault.open()) {
      JsonlImporter importer = new JsonlImporter(opened);
      report =
          stdin
              ? importer.importFrom(context.in(), "standard input")
              : importer.importFile(Path.of(file));
    }
    context
        .out()
        .println(
            "imported "
                + ExportJsonlCommand.memories(report.imported())
                + ", skipped "
                + report.skipped()
                + " already in the vault, "
                + report.failed()
                + (report.failed() == 1 ? " line failed" : " lines failed"));
    for (ImportReport.Failure failure : report.failures()) {
      context.err().println(failure.describe());
    }
    if (report.failed() > report.failures().size()) {
      context.err().println("... and " + (report.failed() - report.failures().size()) + " more");
    }
    if (!report.complete()) {
      throw new VaultException(
          (report.failed() == 1 ? "1 line" : report.failed() + " lines")
              + " of "
              + (stdin ? "standard input" : file)
              + " could not be imported (see above); the other lines were");
    }
    return Main.OK;
  }
}
