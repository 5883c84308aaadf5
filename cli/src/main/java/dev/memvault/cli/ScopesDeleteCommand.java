package dev.memvault.cli;

import dev.memvault.core.VaultException;
import dev.memvault.sdk.MemoryVault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "delete",
    description = {
      "Delete a scope, here and on your other devices at their next sync.",
      "A scope that holds memories is refused unless --force, which forgets them as 'forget'",
      "does. Adding to its name later makes it again."
    })
final class ScopesDeleteCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;

  @Parameters(paramLabel = "NAME", description = "The scope's name.")
  String name;

  @Option(
      names = "--force",
      description = "Also forget every memory the scope holds (conversations with their messages).")
  boolean force;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    int forgotten;
    try (MemoryVault opened = vault.open()) {
      forgotten = opened.deleteScope(name, force);
    } catch (VaultException.InvalidInput | VaultException.UnknownItem e) {
      throw new Main.UsageException(e.getMessage());
    }
    context
        .out()
        .println(
            "deleted scope '"
                + name
                + "'"
                + (forgotten == 0
                    ? ""
                    : " and forgot " + forgotten + (forgotten == 1 ? " memory" : " memories")));
    return Main.OK;
  }
}
