package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memvault.core.VaultException;
import dev.memvault.core.sync.DeviceLinks;
import dev.memvault.core.sync.RemoteChange;
import dev.memvault.core.sync.SyncCursor;
import dev.memvault.core.vault.RekeyProgress;
import dev.memvault.core.vault.Selection;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.SyncPayload;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key epochs of the vault root key, end to end (docs/FORMAT.md, "Key epochs"): real vaults on disk,
 * the real server over TCP on 127.0.0.1, and a server that colludes with a revoked device by
 * editing its own storage.
 */
class KeyEpochsTest {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private RealServer server() throws Exception {
    return track(new RealServer(Files.createDirectories(dir.resolve("server-data"))));
  }

  private static SyncReport sync(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.sync();
    }
  }

  private static void revoke(MemoryVault by, String url, MemoryVault revoked) {
    try (SyncClient client = SyncClient.connect(by, url)) {
      client.revoke(TestEngines.engine(revoked).deviceIdHex());
    }
  }

  private MemoryVault.Created laptop(RealServer server) {
    MemoryVault.Created created = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE);
    track(created.vault());
    created.vault().add(NewMemory.of("health", Kind.FACT, "blood type is A positive"));
    sync(created.vault(), server.url());
    return created;
  }

  private MemoryVault link(MemoryVault existing, RealServer server, String name) throws Exception {
    return track(Linking.link(existing, server.url(), dir.resolve(name)).vault());
  }

  private static boolean finds(MemoryVault vault, String words) {
    return !vault.search(words, Selection.all()).isEmpty();
  }

  @Test
  void revoke_serverCollidesWithRevokedPhone_phoneOpensNothingWrittenAfter() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    MemoryVault phone = link(laptop, server, "phone");
    byte[] vaultId = laptop.replica().vaultIdBytes();
    long linksBefore = chainLength(server, vaultId);
    assertTrue(finds(phone, "blood type"));

    revoke(laptop, server.url(), phone);
    Memory inOldScope =
        laptop.add(NewMemory.of("health", Kind.FACT, "allergic to penicillin since 2019"));
    Memory inNewScope = laptop.add(NewMemory.of("travel", Kind.NOTE, "flight to lisbon in may"));
    sync(laptop, server.url());

    // The server colludes: it lets the phone sign in again, hides the revocation and the epoch
    // from its device list, and serves it the log as stored.
    server.stop();
    server.reinstate(vaultId, phone.replica().deviceIdBytes());
    dropLinksAfter(server, vaultId, linksBefore);
    server.start();
    assertThrows(VaultException.class, () -> sync(phone, server.url()));
    // Beyond what a sync would check: every stored entry, handed to the phone's vault one by
    // one, as if no device chain or signature stood in the way.
    int opened = 0;
    for (LogEntry entry : server.pullAs(vaultId, phone)) {
      try {
        phone.replica().applyRemote(List.of(remoteChange(entry)), cursorAt(phone, entry));
        opened++;
      } catch (VaultException refused) {
        // sealed under keys the phone never had
      }
    }

    assertTrue(opened > 0, "entries from before the revocation still apply");
    assertFalse(finds(phone, "penicillin"), "written after revocation, in a scope it knew");
    assertFalse(finds(phone, "lisbon"), "written after revocation, in a new scope");
    assertThrows(VaultException.UnknownItem.class, () -> phone.get(inOldScope.getId()));
    assertThrows(VaultException.UnknownItem.class, () -> phone.get(inNewScope.getId()));
    assertFalse(phone.scopes().stream().anyMatch(scope -> scope.name().equals("travel")));
    assertEquals(0, phone.replica().currentKeyEpoch());
  }

  @Test
  void revoke_phone_remainingDevicesShareTheNewEpochBothWays() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    MemoryVault phone = link(laptop, server, "phone");
    MemoryVault tablet = link(laptop, server, "tablet");

    revoke(laptop, server.url(), phone);
    laptop.add(NewMemory.of("health", Kind.FACT, "allergic to penicillin since 2019"));
    sync(laptop, server.url());
    sync(tablet, server.url());
    tablet.add(NewMemory.of("travel", Kind.NOTE, "flight to lisbon in may"));
    sync(tablet, server.url());
    sync(laptop, server.url());

    assertEquals(1, laptop.replica().currentKeyEpoch());
    assertEquals(1, tablet.replica().currentKeyEpoch());
    assertTrue(finds(tablet, "penicillin"));
    assertTrue(finds(tablet, "blood type"), "history from before the epoch stays readable");
    assertTrue(finds(laptop, "lisbon"));
  }

  @Test
  void link_afterRevocation_newDeviceReadsEveryEpoch() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    MemoryVault phone = link(laptop, server, "phone");
    revoke(laptop, server.url(), phone);
    laptop.add(NewMemory.of("health", Kind.FACT, "allergic to penicillin since 2019"));
    sync(laptop, server.url());

    MemoryVault tablet = link(laptop, server, "tablet");

    assertEquals(1, tablet.replica().currentKeyEpoch());
    assertTrue(finds(tablet, "blood type"));
    assertTrue(finds(tablet, "penicillin"));
  }

  @Test
  void joinWithRecovery_afterTwoRevocations_readsEveryEpoch() throws Exception {
    RealServer server = server();
    MemoryVault.Created created = laptop(server);
    MemoryVault laptop = created.vault();
    revoke(laptop, server.url(), link(laptop, server, "phone"));
    laptop.add(NewMemory.of("health", Kind.FACT, "allergic to penicillin since 2019"));
    revoke(laptop, server.url(), link(laptop, server, "tablet"));
    laptop.add(NewMemory.of("travel", Kind.NOTE, "flight to lisbon in may"));
    sync(laptop, server.url());

    MemoryVault recovered =
        track(
            DeviceJoin.withRecovery(
                    dir.resolve("new-laptop"), PASSPHRASE, server.url(), created.recoveryKey())
                .vault());

    assertEquals(2, recovered.replica().currentKeyEpoch());
    assertTrue(finds(recovered, "blood type"));
    assertTrue(finds(recovered, "penicillin"));
    assertTrue(finds(recovered, "lisbon"));
  }

  @Test
  void sync_revocationWithoutEpoch_nextSyncStartsTheEpoch() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    MemoryVault phone = link(laptop, server, "phone");
    MemoryVault tablet = link(laptop, server, "tablet");
    sync(laptop, server.url());
    byte[] vaultId = laptop.replica().vaultIdBytes();
    // The laptop stopped between its two links: its revocation is stored, no epoch follows.
    server.stop();
    DeviceChain chain =
        DeviceChain.verify(vaultId, server.storedChain(vaultId), ClientSignatures.INSTANCE);
    SyncCursor verified = laptop.replica().syncCursor().orElseThrow();
    SignedDeviceLink revocation =
        DeviceLinks.revokes(
            chain,
            laptop.replica().deviceIdBytes(),
            laptop.replica().deviceSigningKey(),
            phone.replica().deviceIdBytes(),
            verified.seq(),
            verified.headHash(),
            System.currentTimeMillis());
    server.insertLink(vaultId, chain.headSeq() + 1, revocation);
    server.start();

    sync(tablet, server.url());

    assertEquals(1, tablet.replica().currentKeyEpoch(), "the tablet started the owed epoch");
    sync(laptop, server.url());
    assertEquals(1, laptop.replica().currentKeyEpoch());
    tablet.add(NewMemory.of("health", Kind.FACT, "allergic to penicillin since 2019"));
    sync(tablet, server.url());
    sync(laptop, server.url());
    assertTrue(finds(laptop, "penicillin"));
  }

  @Test
  void link_afterRevocation_revokedDevicesChangeMovedBelowItsCutOff_refused() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    MemoryVault phone = link(laptop, server, "phone");
    sync(phone, server.url());
    byte[] vaultId = laptop.replica().vaultIdBytes();
    revoke(laptop, server.url(), phone);
    long cutOff = laptop.replica().syncCursor().orElseThrow().seq();
    phone.add(NewMemory.of("health", Kind.FACT, "no known drug allergies"));
    // The server takes the revoked phone's change, and numbers it below the revocation's cut-off
    // for every device that reads the log from its start.
    server.stop();
    server.reinstate(vaultId, phone.replica().deviceIdBytes());
    server.start();
    server.pushAs(vaultId, phone);
    List<LogEntry> log = server.pullAs(vaultId, laptop);
    LogEntry late = log.get(log.size() - 1);
    assertEquals(
        com.google.protobuf.ByteString.copyFrom(phone.replica().deviceIdBytes()),
        late.getChange().getDeviceId());
    assertTrue(late.getSeq() > cutOff);
    long below = Math.max(1, cutOff - 1);
    server.restartTampering(RealServer.movingEntry(vaultId, late.getSeq(), below));

    VaultException refused =
        assertThrows(VaultException.class, () -> link(laptop, server, "tablet"));

    assertTrue(refused.getMessage().contains("revoked another"), refused.getMessage());
    try (MemoryVault tablet = MemoryVault.open(dir.resolve("tablet"), PASSPHRASE)) {
      assertFalse(finds(tablet, "allergies"));
    }
  }

  @Test
  void rekey_syncedLaptop_phoneFollowsAndOnlyTheNewRecoveryKeyJoins() throws Exception {
    RealServer server = server();
    MemoryVault.Created created = laptop(server);
    MemoryVault phone = link(created.vault(), server, "phone");
    created.vault().close();

    String newRecoveryKey =
        MemoryVault.rekey(dir.resolve("laptop"), PASSPHRASE, RekeyProgress.NONE);
    MemoryVault laptop = track(MemoryVault.open(dir.resolve("laptop"), PASSPHRASE));
    sync(laptop, server.url());
    laptop.add(NewMemory.of("health", Kind.FACT, "allergic to penicillin since 2019"));
    sync(laptop, server.url());
    sync(phone, server.url());

    assertEquals(1, laptop.replica().currentKeyEpoch());
    assertEquals(1, phone.replica().currentKeyEpoch());
    assertTrue(finds(phone, "penicillin"));
    assertTrue(laptop.replica().pendingRecoveryReplacement().isEmpty());
    VaultException oldKey =
        assertThrows(
            VaultException.WrongKey.class,
            () ->
                DeviceJoin.withRecovery(
                    dir.resolve("with-old-key"), PASSPHRASE, server.url(), created.recoveryKey()));
    assertTrue(oldKey.getMessage().contains("no vault"), oldKey.getMessage());
    MemoryVault recovered =
        track(
            DeviceJoin.withRecovery(
                    dir.resolve("with-new-key"), PASSPHRASE, server.url(), newRecoveryKey)
                .vault());
    assertTrue(finds(recovered, "penicillin"));
    assertTrue(finds(recovered, "blood type"));
    // The phone's own header follows: the old recovery key no longer opens its files.
    phone.close();
    assertThrows(
        VaultException.WrongKey.class,
        () ->
            MemoryVault.recover(
                dir.resolve("phone"), created.recoveryKey(), "phone again: tern".toCharArray()));
    try (MemoryVault phoneAgain =
        MemoryVault.recover(
            dir.resolve("phone"), newRecoveryKey, "phone again: tern".toCharArray())) {
      assertTrue(finds(phoneAgain, "penicillin"));
    }
  }

  @Test
  void link_serverShowsTheNewDeviceAnotherHistory_newDeviceRefusesIt() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    laptop.add(NewMemory.of("travel", Kind.NOTE, "flight to lisbon in may"));
    sync(laptop, server.url());
    laptop.add(NewMemory.of("health", Kind.FACT, "allergic to penicillin since 2019"));
    sync(laptop, server.url());
    byte[] vaultId = laptop.replica().vaultIdBytes();
    // Every entry the same and validly signed, in another order that breaks no rule of the merge
    // (the newest memory moved up to just after the first memory): a history the laptop never saw.
    List<Long> revisions = new ArrayList<>();
    for (LogEntry entry : server.pullAs(vaultId, laptop)) {
      if (SyncPayload.parseFrom(entry.getChange().getPayload()).hasRevision()) {
        revisions.add(entry.getSeq());
      }
    }
    server.restartTampering(
        RealServer.movingEntry(vaultId, revisions.get(revisions.size() - 1), revisions.get(0) + 1));

    VaultException refused =
        assertThrows(VaultException.class, () -> link(laptop, server, "tablet"));

    assertTrue(refused.getMessage().contains("linked this one"), refused.getMessage());
  }

  // ---------------------------------------------------------------- helpers

  private static RemoteChange remoteChange(LogEntry entry) {
    Change change = entry.getChange();
    return new RemoteChange(
        entry.getSeq(),
        entry.getEntryHash().toByteArray(),
        change.getChangeId().toByteArray(),
        change.getDeviceId().toByteArray(),
        change.getRecordId().toByteArray(),
        change.getPayload().toByteArray());
  }

  private static SyncCursor cursorAt(MemoryVault vault, LogEntry entry) {
    return vault
        .replica()
        .syncCursor()
        .orElseThrow()
        .withHead(entry.getSeq(), entry.getEntryHash().toByteArray());
  }

  private static long chainLength(RealServer server, byte[] vaultId) throws Exception {
    try (Connection db = server.database();
        PreparedStatement select =
            db.prepareStatement("SELECT MAX(seq) FROM device_links WHERE vault_id = ?")) {
      select.setBytes(1, vaultId);
      try (var rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static void dropLinksAfter(RealServer server, byte[] vaultId, long seq) throws Exception {
    try (Connection db = server.database();
        PreparedStatement delete =
            db.prepareStatement("DELETE FROM device_links WHERE vault_id = ? AND seq > ?")) {
      delete.setBytes(1, vaultId);
      delete.setLong(2, seq);
      assertTrue(delete.executeUpdate() > 0);
    }
  }
}
