package dev.memvault.cli;

import dev.memvault.core.grant.ProviderKey;
import dev.memvault.sdk.sync.GrantReader;
import dev.memvault.sdk.sync.GrantReference;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What a provider needs to read a grant: its key, the server, and the grant itself. */
final class GrantAccessOptions {
  @Option(
      names = "--key",
      required = true,
      paramLabel = "FILE",
      description = "The provider's secret key file ('memvault provider keygen').")
  Path key;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The person's sync server: http://host:port or https://host:port.")
  String server;

  @Option(
      names = "--grant",
      required = true,
      paramLabel = "GRANT",
      description = "The grant the person gave you (the mvg1.... line of 'grant create').")
  String grant;

  /** Checks the grant and key first, so a typo fails before any connection. */
  GrantReader connect() {
    GrantReference reference = GrantReference.parse(grant);
    ProviderKey providerKey = ProviderKey.parse(KeyFiles.read(key, "a provider's secret key"));
    return GrantReader.connect(server, providerKey, reference);
  }
}
