package dev.memvault.sdk.sync;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a grant reads, in a throwaway local vault: the provider searches it and serves it over MCP
 * with the very code a person's own vault runs, not a second implementation of search. The vault is
 * encrypted like any other, under a random passphrase that only this object holds, and deleted on
 * close.
 */
public final class GrantedVault implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final MemoryVault vault;
  private final GrantReader.GrantedMemories read;

  private GrantedVault(Path directory, MemoryVault vault, GrantReader.GrantedMemories read) {
    this.directory = directory;
    this.vault = vault;
    this.read = read;
  }

  /**
   * Reads the grant now and holds what it read.
   *
   * @throws VaultException as {@link GrantReader#read()}
   */
  public static GrantedVault read(GrantReader reader) {
    GrantReader.GrantedMemories read = reader.read();
    Path directory;
    try {
      directory = Files.createTempDirectory("memvault-grant");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    char[] passphrase = Base64.getEncoder().encodeToString(secret).toCharArray();
    MemoryVault vault;
    try {
      vault = MemoryVault.create(directory.resolve("vault"), passphrase).vault();
    } catch (RuntimeException e) {
      delete(directory);
      throw e;
    }
    // Conversations before their messages: a message is stored only with its conversation.
    List<Memory> ordered =
        read.memories().stream()
            .sorted(Comparator.comparing(memory -> memory.getKind() == Kind.MESSAGE))
            .toList();
    vault
        .transactions()
        .write(
            writes -> {
              for (Memory memory : ordered) {
                try {
                  writes.attempt(w -> w.restore(List.of(memory)));
                } catch (VaultException.InvalidInput notHere) {
                  // A message whose conversation is in a scope the grant does not read.
                }
              }
              return null;
            });
    return new GrantedVault(directory, vault, read);
  }

  /** The vault holding what the grant read; valid until {@link #close()}. */
  public MemoryVault vault() {
    return vault;
  }

  /** What the read found, as the provider verified it. */
  public GrantReader.GrantedMemories read() {
    return read;
  }

  @Override
  public void close() {
    try {
      vault.close();
    } finally {
      delete(directory);
    }
  }

  private static void delete(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
