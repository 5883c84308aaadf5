package dev.memvault.cli;

import dev.memvault.sdk.MemoryJson;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import dev.memvault.sdk.sync.VaultGrants;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "grants",
    mixinStandardHelpOptions = true,
    description = {
      "List the grants to AI providers and their reads.",
      "Name, scopes, expiry, state, and the sync server's account of the provider's reads (last read, records served), which no device can check."
    })
final class GrantsCommand implements Callable<Integer> {
  @Mixin VaultOptions vault;
  @Mixin ServerUrlOption server;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    try (MemoryVault opened = vault.open();
        SyncClient client = server.connect(opened)) {
      List<VaultGrants.GrantInfo> grants = new VaultGrants(client, Clock.systemUTC()).list();
      for (VaultGrants.GrantInfo grant : grants) {
        if (json) {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("id", grant.id());
          fields.put("name", grant.name());
          fields.put("scopes", grant.scopes());
          fields.put("expires_at", grant.expiresAt().toString());
          fields.put("state", grant.state().label());
          fields.put("provider_key", grant.providerFingerprint());
          fields.put("last_read", grant.lastRead().map(Object::toString).orElse(null));
          fields.put("records_served", grant.recordsServed());
          fields.put("reads", grant.reads());
          context.out().println(MemoryJson.line(fields));
        } else {
          context
              .out()
              .println(
                  String.format(
                      "%s  %-12s %-8s %s  until %s  last read %s, %d records served",
                      grant.id(),
                      grant.name(),
                      grant.state().label(),
                      String.join(",", grant.scopes()),
                      GrantCreateCommand.WHEN.format(grant.expiresAt()),
                      grant.lastRead().map(GrantCreateCommand.WHEN::format).orElse("never"),
                      grant.recordsServed()));
        }
      }
      if (grants.isEmpty() && !json) {
        context.err().println("no grants yet; 'memvault grant create --help' makes one");
      }
    }
    return Main.OK;
  }
}
