package dev.memvault.cli;

import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.sync.SyncClient;
import picocli.CommandLine.Option;

/** {@code --server URL}, defaulting to the server the vault synced with last. */
final class ServerUrlOption {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "http://host:port (plaintext, for a local server) or https://host:port; default: the"
              + " server this vault synced with last.")
  String url;

  SyncClient connect(MemoryVault vault) {
    return url == null ? SyncClient.connect(vault) : SyncClient.connect(vault, url);
  }
}
