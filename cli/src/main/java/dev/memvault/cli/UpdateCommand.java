package dev.memvault.cli;

import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "update",
    description = {
      "Change a memory's text, tags, scope or kind.",
      "A new text or tags make a new revision.",
      "Earlier revisions stay: see 'show --history'. --scope and --kind make a new memory with",
      "a new id (a memory is encrypted under its scope's key) and forget the old one with its",
      "history; text, tags, attributes, source and creation time go with it.",
      "Examples: memvault update 01a2 \"new text\"   memvault update 01a2 --tag diet --tag food",
      "          memvault update 01a2 --scope health --kind fact"
    })
final class UpdateCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(names = "--json", description = "Print the new revision as JSON.")
  boolean json;

  @Option(
      names = "--tag",
      paramLabel = "TAG",
      description = "The memory's tags become these; repeat for several.")
  List<String> tags = new ArrayList<>();

  @Option(names = "--no-tags", description = "Remove every tag.")
  boolean noTags;

  @Option(names = "--scope", paramLabel = "SCOPE", description = "Move the memory to this scope.")
  String scope;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "Make it a fact, preference, instruction or note.")
  AddCommand.MemoryKind kind;

  @Parameters(
      index = "0",
      paramLabel = "ID",
      description =
          "The memory's id, or its first characters (at least 4) if no other id starts so.")
  String id;

  @Parameters(
      index = "1..*",
      arity = "0..*",
      paramLabel = "TEXT",
      description = "The new text, or '-' for standard input (default: the text stays).")
  List<String> words = new ArrayList<>();

  @Override
  public Integer call() {
    CliContext context = vault.context();
    if (noTags && !tags.isEmpty()) {
      throw new Main.UsageException("--no-tags and --tag exclude each other");
    }
    boolean moves = scope != null || kind != null;
    if (words.isEmpty() && tags.isEmpty() && !noTags && !moves) {
      throw new Main.UsageException(
          "nothing to change: give a new text, --tag, --no-tags, --scope or --kind"
              + " (see 'memvault update --help')");
    }
    Optional<String> text =
        words.isEmpty() ? Optional.empty() : Optional.of(TextInput.read(words, context));
    Optional<List<String>> newTags =
        noTags ? Optional.of(List.of()) : tags.isEmpty() ? Optional.empty() : Optional.of(tags);
    try (MemoryVault opened = vault.open()) {
      String fullId = opened.resolveId(id);
      Memory memory = opened.get(fullId);
      if (text.isPresent() || newTags.isPresent()) {
        memory = opened.update(fullId, text, newTags);
      }
      if (moves) {
        String toScope = scope != null ? scope : memory.getScope();
        Kind toKind = kind != null ? kind.proto() : memory.getKind();
        memory = opened.move(fullId, toScope, toKind);
        if (!json) {
          context
              .err()
              .println(
                  "memvault: moved to scope '"
                      + toScope
                      + "' as a "
                      + toKind.name().toLowerCase(Locale.ROOT)
                      + " under a new id; "
                      + fullId
                      + " is forgotten");
        }
      }
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
