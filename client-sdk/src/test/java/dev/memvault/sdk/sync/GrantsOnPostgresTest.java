package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memvault.core.VaultException;
import dev.memvault.core.grant.ProviderKey;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.PostgresSyncStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants on the PostgreSQL store as on the embedded one: the real server over TCP on 127.0.0.1 with
 * a real PostgreSQL, restarted in the middle, which is what a replica sees.
 */
class GrantsOnPostgresTest {
  @TempDir Path dir;

  @Test
  void grant_onPostgres_readsItsScopeSurvivesARestartAndEndsWhenRevoked() throws Exception {
    Clock clock = Clock.systemUTC();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        RealServer server =
            new RealServer(
                () ->
                    PostgresSyncStore.open(
                        postgres.getPostgresDatabase(), Limits.DEFAULTS.storeLimits()));
        MemoryVault laptop = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE).vault()) {
      laptop.add(NewMemory.of("work", Kind.PREFERENCE, "prefers tabs in Go"));
      laptop.add(NewMemory.of("health", Kind.FACT, "allergic to peanuts"));
      ProviderKey acme = ProviderKey.generate();
      GrantReference grant;
      try (SyncClient client = SyncClient.connect(laptop, server.url())) {
        grant =
            new VaultGrants(client, clock)
                .create(
                    "acme",
                    acme.publicKey(),
                    List.of("work"),
                    clock.instant().plus(Duration.ofDays(1)))
                .reference();
      }

      server.stop();
      server.start();

      try (GrantReader reader = GrantReader.connect(server.url(), acme, grant)) {
        assertEquals(
            List.of("prefers tabs in Go"),
            reader.read().memories().stream().map(Memory::getText).toList());
      }
      try (SyncClient client = SyncClient.connect(laptop, server.url())) {
        VaultGrants grants = new VaultGrants(client, clock);
        assertEquals(1, grants.list().get(0).reads());
        grants.revoke("acme");
      }
      try (GrantReader reader = GrantReader.connect(server.url(), acme, grant)) {
        assertThrows(VaultException.class, reader::read);
      }
    }
  }
}
