package dev.memvault.cli;

import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.Source;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "add",
    description = {
      "Add a memory. Prints its id.",
      "Example: memvault add --scope work --kind preference --tag diet \"I am vegetarian\""
    })
final class AddCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(
      names = "--scope",
      defaultValue = "personal",
      description = "Scope (default: ${DEFAULT-VALUE}).")
  String scope;

  @Option(
      names = "--kind",
      defaultValue = "note",
      description = "fact, preference, instruction or note (default: ${DEFAULT-VALUE}).")
  MemoryKind kind;

  @Option(names = "--tag", paramLabel = "TAG", description = "A tag; repeat for several.")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--attr",
      paramLabel = "KEY=VALUE",
      description = "An attribute; repeat for several.")
  Map<String, String> attributes = new LinkedHashMap<>();

  @Option(names = "--json", description = "Print the new memory as JSON.")
  boolean json;

  @Parameters(
      paramLabel = "TEXT",
      arity = "1..*",
      description = "The text, or '-' to read standard input.")
  List<String> words;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    String text = TextInput.read(words, context);
    try (MemoryVault opened = vault.open()) {
      boolean newScope = opened.scopes().stream().noneMatch(s -> s.name().equals(scope));
      Memory memory =
          opened.add(
              NewMemory.of(scope, kind.proto(), text)
                  .withTags(tags)
                  .withAttributes(attributes)
                  .withSource(
                      Source.newBuilder().setProvider("memvault").setApp("memvault-cli").build()));
      context.out().println(json ? MemoryJson.line(memory) : memory.getId());
      if (newScope) {
        // A typo in --scope would otherwise file the memory where the person never looks.
        context
            .err()
            .println(
                "memvault: created scope '"
                    + scope
                    + "' (it had no memories; 'memvault scopes' lists them all)");
      }
    }
    return Main.OK;
  }

  /** The kinds a person adds by hand; conversations and messages come from imports. */
  enum MemoryKind {
    fact(Kind.FACT),
    preference(Kind.PREFERENCE),
    instruction(Kind.INSTRUCTION),
    note(Kind.NOTE);

    private final Kind proto;

    MemoryKind(Kind proto) {
      this.proto = proto;
    }

    Kind proto() {
      return proto;
    }
  }
}
