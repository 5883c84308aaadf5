package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.portable.markdown.MarkdownExporter;
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
    name = "markdown",
    mixinStandardHelpOptions = true,
    description = {
      "Write memories as Markdown files to read in any editor or notes app.",
      "",
      "One file per conversation, named by date, title and a short id: its title,",
      "date and source, then the messages in order under headings that name who",
      "spoke, with thinking, tool calls and tool results folded into <details>",
      "blocks and attachments shown by name. And memories.md: every other memory,",
      "grouped by scope and kind, with tags, dates and sources, and links to the",
      "conversation files.",
      "",
      "The files are NOT encrypted. memvault does not read them back: use",
      "'export jsonl' to move memories to another vault.",
      "",
      "Example: memvault export markdown --scope personal -o ~/memvault-notes"
    })
final class ExportMarkdownCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "Only this scope; repeat for several (default: every scope).")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "DIR",
      description =
          "The directory to write into; made if missing. Refused if not empty, unless --force.")
  Path output;

  @Option(
      names = "--force",
      description = "Write into DIR even if it is not empty; files of the same names are replaced.")
  boolean force;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    // Refused before asking for the passphrase; the exporter checks again when it writes.
    if (!force && notEmpty(output)) {
      throw new VaultException.AlreadyExists(
          output + " is not empty; nothing was written (use --force to write into it anyway)");
    }
    try (MemoryVault opened = vault.open()) {
      MarkdownExporter.Result result =
          new MarkdownExporter(opened).onlyScopes(scopes).writeTo(output, force);
      context
          .out()
          .println(
              "Wrote "
                  + result.conversations()
                  + (result.conversations() == 1 ? " conversation" : " conversations")
                  + " and "
                  + ExportJsonlCommand.memories(result.memories())
                  + " to "
                  + output
                  + " (start with "
                  + output.resolve(MarkdownExporter.MEMORIES_FILE)
                  + "). The files are not encrypted.");
    }
    return Main.OK;
  }

  private static boolean notEmpty(Path directory) {
    if (!Files.isDirectory(directory)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      return false;
    }
  }
}
