package dev.memvault.cli;

import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "update",
    description = {
      "Replace a memory's text with a new revision.",
      "Earlier revisions stay: see 'show --history'."
    })
final class UpdateCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(names = "--json", description = "Print the new revision as JSON.")
  boolean json;

  @Parameters(
      index = "0",
      paramLabel = "ID",
      description =
          "The memory's id, or its first characters (at least 4) if no other id starts so.")
  String id;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "TEXT",
      description = "The new text, or '-' for standard input.")
  List<String> words;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    String text = TextInput.read(words, context);
    try (MemoryVault opened = vault.open()) {
      Memory memory = opened.update(opened.resolveId(id), text);
      context
          .out()
          .println(
              json
                  ? MemoryJson.line(memory)
                  : memory.getId() + "  revision " + memory.getRevision());
    }
    return Main.OK;
  }
}
