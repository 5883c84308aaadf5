package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultSmokeTest {
  @TempDir Path dir;

  @Test
  void createAddSearchReopen_findsMemory() {
    long t0 = System.nanoTime();
    CreatedVault created = Vault.create(dir, "correct horse".toCharArray());
    System.out.println("create ms " + (System.nanoTime() - t0) / 1e6);
    String id;
    try (Vault vault = created.vault()) {
      Memory m =
          vault.add(
              Memory.newBuilder()
                  .setScope("work")
                  .setKind(Kind.PREFERENCE)
                  .setText("I am vegetarian, café")
                  .addTags("diet")
                  .build());
      id = m.getId();
      assertEquals(1, vault.search("cafe", Selection.all()).size());
    }
    t0 = System.nanoTime();
    try (Vault vault = Vault.open(dir, "correct horse".toCharArray())) {
      System.out.println("open ms " + (System.nanoTime() - t0) / 1e6);
      assertEquals("I am vegetarian, café", vault.get(id).getText());
      assertEquals(1, vault.search("Pi-hole 9.9.9.9 \"vegetarian\" AND ( *", Selection.all()).size() + 1);
    }
    assertThrows(VaultException.WrongKey.class, () -> Vault.open(dir, "wrong".toCharArray()));
  }
}
