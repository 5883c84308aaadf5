package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.pam.PamImportReport;
import dev.memvault.sdk.portable.pam.PamImporter;
import dev.memvault.sdk.portable.provider.ImportOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "pam",
    description = {
      "Import a Portable AI Memory (PAM v1.x) export, from memvault or any other tool.",
      "",
      "Give the export's directory or its memory-store.json. Memories keep their text,",
      "tags, dates and provenance; each PAM type becomes a kind (facts about you:",
      "fact; preference; instruction; goals, projects and custom types: note) and",
      "what memvault has no field for is kept in pam.* attributes. Relations become",
      "links. Conversations come from the files the export's index names. A memory",
      "the file marks retracted is not imported.",
      "",
      "The whole memory store is checked first (content hashes, integrity checksum,",
      "required fields): a damaged or altered file is refused and nothing is imported.",
      "Importing again adds nothing: the same content from the same platform is one",
      "memory, and a memvault export comes back under its own ids. A conversation",
      "whose file is damaged is skipped and listed; nothing of it is imported.",
      "",
      "Example: memvault import pam ~/Downloads/pam-export --scope imported",
      ""
    },
    footer = {
      "",
      "Exit status: 0 when the export was read (failed conversations are listed), 1 when it"
          + " cannot be read as a PAM export, 2 on a usage error."
    })
final class ImportPamCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      defaultValue = ImportOptions.DEFAULT_SCOPE,
      description =
          "Scope for memories and conversations of other tools (default: ${DEFAULT-VALUE});"
              + " memvault's own exports keep their scopes.")
  String scope;

  @Parameters(
      paramLabel = "EXPORT",
      description = "The export's directory or its memory-store.json.")
  Path export;

  @Override
  public Integer call() {
    // Checked before the vault is opened, so a typo costs no key derivation.
    ImportOptions options = ImportOptions.defaults().withScope(scope).withApp("memvault-cli");
    if (!Files.exists(export)) {
      throw new VaultException.NotFound("no file or directory " + export);
    }
    PamImportReport report;
    ProviderImportReport.ProgressBar bar =
        new ProviderImportReport.ProgressBar(
            vault.context().err(), vault.context().console() != null);
    try (MemoryVault opened = vault.open()) {
      report = new PamImporter(opened).importFrom(export, options.withProgress(bar));
    } finally {
      bar.finish();
    }
    print(vault.context().out(), report, export);
    return Main.OK;
  }

  private static void print(PrintWriter out, PamImportReport report, Path export) {
    out.println("Imported the PAM export " + export + ":");
    out.println(
        "  memories:      "
            + report.memoriesRead()
            + " read, "
            + report.memoriesAdded()
            + " new, "
            + report.memoriesAlreadyPresent()
            + " already present"
            + (report.memoriesRetracted() > 0
                ? ", " + report.memoriesRetracted() + " retracted (not imported)"
                : "")
            + (report.relationsKept() > 0
                ? "; " + report.relationsKept() + " relations kept"
                : ""));
    if (report.conversationsRead() > 0) {
      out.println(
          "  conversations: "
              + report.conversationsRead()
              + " read, "
              + report.conversationsAdded()
              + " new, "
              + report.conversationsUpdated()
              + " updated, "
              + report.conversationsUnchanged()
              + " already present, "
              + report.failures().size()
              + " failed"
              + (report.conversationsElsewhere() > 0
                  ? ", " + report.conversationsElsewhere() + " not in the export's files"
                  : ""));
      out.println(
          "  messages:      "
              + report.messagesAdded()
              + " added, "
              + report.messagesAlreadyPresent()
              + " already present");
    }
    switch (report.signature()) {
      case VERIFIED ->
          out.println(
              "  signature:     Ed25519, valid for the key the export names (anyone can sign with"
                  + " a key of their own)");
      case NOT_CHECKED -> out.println("  signature:     not checked (only Ed25519 is)");
      case UNSIGNED -> {}
    }
    int forgotten = report.memoriesForgotten() + report.conversationsForgotten();
    if (forgotten > 0) {
      out.println(
          "  left out:      "
              + forgotten
              + " forgotten in this vault earlier (forgotten memories are not brought back)");
    }
    if (!report.failures().isEmpty()) {
      out.println("Failed; nothing of these was imported (numbered from 1 in index order):");
      for (PamImportReport.Failure failure : report.failures()) {
        out.println("  " + failure.where() + ": " + failure.reason());
      }
    }
  }
}
