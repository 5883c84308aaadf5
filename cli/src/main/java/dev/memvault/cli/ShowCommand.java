package dev.memvault.cli;

import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "show",
    description = {"Show one memory; a conversation with its messages."})
final class ShowCommand implements Callable<Integer> {
  @ParentCommand MemvaultCommand root;
  @Mixin VaultOption vault;

  @Option(names = "--history", description = "Every revision, oldest first.")
  boolean history;

  @Option(names = "--json", description = "One JSON object per line (per revision with --history).")
  boolean json;

  @Parameters(paramLabel = "ID", description = "The memory's id.")
  String id;

  @Override
  public Integer call() {
    CliContext context = root.context;
    try (MemoryVault opened = vault.open(context)) {
      List<Memory> revisions = history ? opened.history(id) : List.of(opened.get(id));
      for (int i = 0; i < revisions.size(); i++) {
        Memory memory = revisions.get(i);
        if (json) {
          context.out().println(MemoryJson.line(memory));
          continue;
        }
        if (i > 0) {
          context.out().println("----");
        }
        context.out().print(MemoryText.details(memory));
      }
      Memory current = revisions.get(revisions.size() - 1);
      if (current.getKind() == Kind.CONVERSATION) {
        for (Memory message : opened.messages(current.getId())) {
          if (json) {
            context.out().println(MemoryJson.line(message));
          } else {
            String role = message.getMessage().getRole().name().toLowerCase(Locale.ROOT);
            context.out().println();
            context.out().println("[" + role + "] " + message.getText());
          }
        }
      }
    }
    return Main.OK;
  }
}
