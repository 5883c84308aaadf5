package dev.memvault.cli;

import dev.memvault.core.grant.ProviderPublicKey;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import dev.memvault.sdk.sync.VaultGrants;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "create",
    description = {
      "Grant one AI provider read-only access to the named scopes until the expiry.",
      "Prints the grant on the first line: give it to the provider, with the server URL.",
      "The provider's key must be its .pub file; compare its fingerprint with the provider's.",
      "",
      "Example: memvault grant create --name acme --provider-key acme.pub --scope work",
      "         --expires 30d"
    })
final class GrantCreateCommand implements Callable<Integer> {
  static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

  @Mixin VaultOptions vault;
  @Mixin ServerUrlOption server;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "What you call the provider (acme); 'grant revoke NAME' uses it.")
  String name;

  @Option(
      names = "--provider-key",
      required = true,
      paramLabel = "FILE",
      description = "The provider's public key file (.pub, from 'memvault provider keygen').")
  Path providerKey;

  @Option(
      names = "--scope",
      required = true,
      paramLabel = "SCOPE",
      description = "A scope the provider may read; repeat for several.")
  List<String> scopes;

  @Option(
      names = "--expires",
      paramLabel = "WHEN",
      defaultValue = "30d",
      description =
          "A span from now (12h, 30d, 2w) or a date (2027-01-31); default: ${DEFAULT-VALUE}.")
  String expires;

  @Override
  public Integer call() {
    CliContext context = vault.context();
    Clock clock = Clock.systemUTC();
    // Checked before opening, so a typo costs no key derivation.
    Instant expiresAt = GrantExpiry.parse(expires, clock.instant());
    ProviderPublicKey provider =
        ProviderPublicKey.parse(KeyFiles.read(providerKey, "a provider's public key"));
    try (MemoryVault opened = vault.open();
        SyncClient client = server.connect(opened)) {
      VaultGrants.Created created =
          new VaultGrants(client, clock).create(name, provider, scopes, expiresAt);
      context.out().println(created.reference().format());
      context
          .out()
          .println(
              "granted '"
                  + name
                  + "' (provider key "
                  + provider.fingerprint()
                  + ") read access to "
                  + String.join(", ", created.grant().scopes())
                  + " until "
                  + WHEN.format(expiresAt)
                  + "; it reads with: memvault provider search --key KEY --server "
                  + client.serverUrl()
                  + " --grant GRANT \"query\"");
    }
    return Main.OK;
  }
}
