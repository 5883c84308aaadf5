package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device whose vault files go back in time (an older copy of its directory put back, which no
 * local check can tell from the real thing: SQLCipher authenticates each page, not its freshness)
 * notices at its next sync, from its own checkpoint on the server, and takes back from the server
 * every change it had made since. Real server over TCP on 127.0.0.1.
 */
class FilesWentBackTest {
  @TempDir Path dir;

  private RealServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static SyncReport sync(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.sync();
    }
  }

  @Test
  void sync_vaultDirectoryReplacedByAnOlderCopy_saysSoAndTakesBackItsLaterChanges()
      throws Exception {
    server = new RealServer(Files.createDirectories(dir.resolve("server-data")));
    Path laptopDir = dir.resolve("laptop");
    Memory edited;
    try (MemoryVault laptop = MemoryVault.create(laptopDir, PASSPHRASE).vault()) {
      edited = laptop.add(NewMemory.of("work", Kind.NOTE, "first wording"));
      sync(laptop, server.url());
    }
    Path olderCopy = copy(laptopDir, dir.resolve("older-copy"));
    Memory added;
    Memory forgotten;
    try (MemoryVault laptop = MemoryVault.open(laptopDir, PASSPHRASE)) {
      forgotten = laptop.add(NewMemory.of("work", Kind.NOTE, "forgotten after the copy"));
      sync(laptop, server.url());
      added = laptop.add(NewMemory.of("travel", Kind.PREFERENCE, "written after the copy"));
      laptop.update(edited.getId(), "second wording");
      laptop.forget(forgotten.getId());
      sync(laptop, server.url());
    }
    deleteTree(laptopDir);
    Files.move(olderCopy, laptopDir);

    try (MemoryVault laptop = MemoryVault.open(laptopDir, PASSPHRASE)) {
      assertThrows(VaultException.UnknownItem.class, () -> laptop.get(added.getId()));
      SyncReport report = sync(laptop, server.url());

      assertTrue(report.filesWentBack());
      assertEquals(
          4,
          report.ownTakenBack(),
          "an add, the scope 'travel', an edit and a forget (the forgotten memory's own revision"
              + " was dropped on the server when the forget reached it)");
      assertEquals("written after the copy", laptop.get(added.getId()).getText());
      assertEquals("second wording", laptop.get(edited.getId()).getText());
      assertThrows(VaultException.UnknownItem.class, () -> laptop.get(forgotten.getId()));
      assertFalse(sync(laptop, server.url()).filesWentBack(), "said once, then in step again");
    }
  }

  @Test
  void sync_filesAsTheyWere_neverSayTheyWentBack() throws Exception {
    server = new RealServer(Files.createDirectories(dir.resolve("server-data")));
    try (MemoryVault laptop = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault()) {
      for (int i = 0; i < 3; i++) {
        laptop.add(NewMemory.of("work", Kind.NOTE, "note " + i));
        SyncReport report = sync(laptop, server.url());
        assertFalse(report.filesWentBack());
        assertEquals(0, report.ownTakenBack());
      }
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    return to;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
