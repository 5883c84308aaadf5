package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memvault.core.vault.ScopeSummary;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scope renamed or deleted on one device reaches a linked device through a real sync server over
 * TCP on 127.0.0.1, also while that device was adding to the scope under its old name.
 */
class ScopeRenameSyncTest {
  @TempDir Path dir;

  private RealServer server;
  private MemoryVault laptop;
  private MemoryVault phone;

  @AfterEach
  void close() {
    for (AutoCloseable open : new AutoCloseable[] {phone, laptop, server}) {
      if (open != null) {
        try {
          open.close();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  private void laptopAndPhone() throws Exception {
    server = new RealServer(Files.createDirectories(dir.resolve("server-data")));
    laptop = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault();
    laptop.add(NewMemory.of("work", Kind.NOTE, "written before linking"));
    sync(laptop);
    phone = Linking.link(laptop, server.url(), dir.resolve("phone")).vault();
  }

  private void sync(MemoryVault vault) {
    try (SyncClient client = SyncClient.connect(vault, server.url())) {
      client.sync();
    }
  }

  private static List<String> names(MemoryVault vault) {
    return vault.scopes().stream().map(ScopeSummary::name).toList();
  }

  private static List<String> scopesOfAll(MemoryVault vault) {
    return vault.list(Selection.all()).stream().map(Memory::getScope).toList();
  }

  @Test
  void renameScope_onOneDevice_theOtherShowsTheNewNameAfterSync() throws Exception {
    laptopAndPhone();
    Memory added = phone.add(NewMemory.of("work", Kind.NOTE, "added on the phone, not yet synced"));

    laptop.renameScope("work", "job");
    sync(laptop);
    sync(phone);
    sync(laptop);

    for (MemoryVault device : List.of(laptop, phone)) {
      assertEquals(List.of("job"), names(device));
      assertEquals(List.of("job", "job"), scopesOfAll(device));
      assertEquals("job", device.get(added.getId()).getScope());
    }
  }

  @Test
  void deleteScope_withForce_theOtherDeviceForgetsItsMemoriesAfterSync() throws Exception {
    laptopAndPhone();

    assertEquals(1, laptop.deleteScope("work", true));
    sync(laptop);
    sync(phone);

    assertEquals(List.of(), names(phone));
    assertEquals(List.of(), scopesOfAll(phone));
  }
}
