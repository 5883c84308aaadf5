package dev.memvault.cli;

import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.MessageBody;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "show",
    description = {"Show one memory; a conversation with its messages."})
final class ShowCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Option(names = "--history", description = "Every revision, oldest first.")
  boolean history;

  @Option(names = "--json", description = "One JSON object per line (per revision with --history).")
  boolean json;

  @Parameters(
      paramLabel = "ID",
      description =
          "The memory's id, or its first characters (at least 4) if no other id starts so.")
  String id;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open()) {
      String full = opened.resolveId(id);
      List<Memory> revisions = history ? opened.history(full) : List.of(opened.get(full));
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
        printMessages(context, opened.messages(current.getId()));
      }
    }
    return Main.OK;
  }

  /**
   * The visible thread in order, then each alternate branch (edits and regenerations the person
   * moved away from), labeled so that it is never read as part of the thread.
   */
  private void printMessages(CliContext context, List<Memory> messages) {
    Comparator<Memory> byPosition = Comparator.comparingInt(m -> m.getMessage().getPosition());
    List<Memory> visible =
        messages.stream()
            .filter(m -> m.getMessage().getBranch().isEmpty())
            .sorted(byPosition)
            .toList();
    Map<String, List<Memory>> alternates = new LinkedHashMap<>();
    messages.stream()
        .filter(m -> !m.getMessage().getBranch().isEmpty())
        .sorted(byPosition)
        .forEach(
            m ->
                alternates
                    .computeIfAbsent(m.getMessage().getBranch(), b -> new ArrayList<>())
                    .add(m));
    for (Memory message : visible) {
      printMessage(context, message, "");
    }
    for (Map.Entry<String, List<Memory>> branch : alternates.entrySet()) {
      if (!json) {
        context.out().println();
        context
            .out()
            .println("---- alternate branch " + branch.getKey() + " (not in the visible thread)");
      }
      for (Memory message : branch.getValue()) {
        printMessage(context, message, "  ");
      }
    }
  }

  private void printMessage(CliContext context, Memory message, String indent) {
    if (json) {
      context.out().println(MemoryJson.line(message));
      return;
    }
    String role = message.getMessage().getRole().name().toLowerCase(Locale.ROOT);
    String text = MessageBody.of(message);
    context.out().println();
    context.out().println(indent + "[" + role + "] " + text.replace("\n", "\n" + indent));
  }
}
