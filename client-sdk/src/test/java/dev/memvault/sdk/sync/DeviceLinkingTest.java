package dev.memvault.sdk.sync;

import static dev.memvault.sdk.sync.Linking.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.sync.DeviceSigningKey;
import dev.memvault.proto.sync.v1.DeviceAdded;
import dev.memvault.proto.sync.v1.DeviceLink;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.sdk.MemoryVault;
import dev.memvault.sdk.NewMemory;
import dev.memvault.sdk.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device linking, joining with the recovery key, the device chain and revocation, end to end: real
 * vaults on disk, the real server over TCP on 127.0.0.1, and a server that misbehaves by editing
 * its own storage.
 */
class DeviceLinkingTest {
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

  private static List<DeviceInfo> devices(MemoryVault vault, String url) {
    try (SyncClient client = SyncClient.connect(vault, url)) {
      return client.devices();
    }
  }

  private MemoryVault.Created laptop(RealServer server) {
    MemoryVault.Created created = MemoryVault.create(dir.resolve("laptop"), PASSPHRASE);
    track(created.vault());
    created.vault().add(NewMemory.of("work", Kind.NOTE, "the quarterly plan is due friday"));
    sync(created.vault(), server.url());
    return created;
  }

  @Test
  void link_newDevice_getsEveryMemoryAndIsListedAsApprovedByTheLaptop() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();

    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());

    assertEquals(1, phone.search("quarterly", dev.memvault.core.vault.Selection.all()).size());
    phone.add(NewMemory.of("home", Kind.NOTE, "buy oat milk"));
    sync(phone, server.url());
    sync(laptop, server.url());
    assertEquals(1, laptop.search("oat milk", dev.memvault.core.vault.Selection.all()).size());
    List<DeviceInfo> listed = devices(phone, server.url());
    assertEquals(2, listed.size());
    DeviceInfo laptopInfo = listed.get(0);
    DeviceInfo phoneInfo = listed.get(1);
    assertEquals(TestEngines.engine(laptop).deviceIdHex(), laptopInfo.id());
    assertEquals(Optional.of(TestEngines.engine(laptop).deviceIdHex()), phoneInfo.addedBy());
    assertTrue(phoneInfo.thisDevice() && phoneInfo.active());
    assertFalse(laptopInfo.thisDevice());
  }

  @Test
  void link_serverStorageNeverHoldsTheRootKey() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    sync(phone, server.url());
    server.stop();
    byte[] root =
        dev.memvault.core.vault.InsecureKeyAccess.rootKey(TestEngines.engine(laptop))
            .toByteArray(com.google.crypto.tink.InsecureSecretKeyAccess.get());
    // Control: the needle search finds bytes where they are.
    assertTrue(indexOf(concat(new byte[] {1, 2}, root), root) == 2);

    try (var files = Files.walk(server.data())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertEquals(-1, indexOf(Files.readAllBytes(file), root), file + " holds the root key");
      }
    }
    server.start();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Test
  void link_codeWithWrongSecret_laptopRefusesAndNoVaultIsCreated() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    ExecutorService approver = Executors.newSingleThreadExecutor();
    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      DeviceLinking linking = DeviceLinking.start(client);
      Future<String> approved = approver.submit(() -> linking.approve(Linking.WAIT));
      // Same pairing id, another secret: what a server that saw the slot id could try.
      String shown = linking.code().toDisplayString();
      String guessed =
          shown.substring(0, 21) + (shown.charAt(21) == '0' ? '1' : '0') + shown.substring(22);
      Path phoneDir = dir.resolve("phone");

      VaultException joinFailure =
          assertThrows(
              VaultException.class,
              () ->
                  DeviceJoin.withCode(
                      phoneDir,
                      PASSPHRASE,
                      server.url(),
                      PairingCode.parse(guessed),
                      Duration.ofSeconds(3)));

      assertTrue(joinFailure.getMessage().contains("did not approve"), joinFailure.getMessage());
      Exception approveFailure =
          assertThrows(Exception.class, () -> approved.get(30, TimeUnit.SECONDS));
      assertTrue(
          approveFailure.getCause().getMessage().contains("without the pairing code's secret"),
          approveFailure.getCause().getMessage());
      assertFalse(Files.exists(phoneDir));
      assertEquals(1, client.devices().size(), "nothing was added to the device chain");
    } finally {
      approver.shutdownNow();
    }
  }

  @Test
  void link_codeOfAnExpiredOrUnknownSlot_clearErrorAndNothingCreated() throws Exception {
    RealServer server = server();
    laptop(server);
    PairingCode never = PairingCode.parse("0000-0000-0000-0000-0000-0000-0000-0000");

    VaultException e =
        assertThrows(
            VaultException.InvalidInput.class,
            () ->
                DeviceJoin.withCode(
                    dir.resolve("phone"), PASSPHRASE, server.url(), never, Linking.WAIT));

    assertTrue(e.getMessage().contains("no open pairing for this code"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("phone")));
  }

  @Test
  void pairingCode_typos_clearErrors() {
    assertTrue(
        assertThrows(VaultException.InvalidInput.class, () -> PairingCode.parse("ABCD-EFGH"))
            .getMessage()
            .contains("32 characters"));
    assertTrue(
        assertThrows(
                VaultException.InvalidInput.class,
                () -> PairingCode.parse("0000-0000-0000-0000-0000-0000-0000-000U"))
            .getMessage()
            .contains("'U'"));
  }

  @Test
  void joinWithRecovery_noOtherDevice_newDeviceHasEveryMemoryAndTheRecoveryKeyStillWorks()
      throws Exception {
    RealServer server = server();
    MemoryVault.Created laptop = laptop(server);

    DeviceJoin.Joined joined =
        DeviceJoin.withRecovery(
            dir.resolve("new-laptop"), PASSPHRASE, server.url(), laptop.recoveryKey());
    MemoryVault replacement = track(joined.vault());

    assertEquals(2, joined.firstSync().pulled(), "the scope and the memory");
    assertEquals(
        1, replacement.search("quarterly", dev.memvault.core.vault.Selection.all()).size());
    List<DeviceInfo> listed = devices(replacement, server.url());
    assertEquals(2, listed.size());
    assertEquals(Optional.empty(), listed.get(1).addedBy(), "added by the recovery key");
    replacement.close();
    open.remove(replacement);
    // The recovery key opens the new device too: it received the root key's recovery wrapping.
    track(
        MemoryVault.recover(
            dir.resolve("new-laptop"), laptop.recoveryKey(), "another passphrase".toCharArray()));
  }

  @Test
  void joinWithRecovery_firstSyncRefused_vaultKeptAndMessageSaysHowToFinish() throws Exception {
    RealServer server = server();
    MemoryVault.Created laptop = laptop(server);
    // The server slips in a change by a device of its own, which the first sync must refuse.
    MemoryVault impostor = track(MemoryVault.create(dir.resolve("impostor"), PASSPHRASE).vault());
    impostor.add(NewMemory.of("work", Kind.NOTE, "from a device nobody approved"));
    server.stop();
    try (Connection db = server.database();
        PreparedStatement insert =
            db.prepareStatement(
                "INSERT INTO devices (vault_id, device_id, signing_public_keyset,"
                    + " registered_at_ms, revoked_at_ms) VALUES (?, ?, ?, 1, 0)")) {
      insert.setBytes(1, laptop.vault().replica().vaultIdBytes());
      insert.setBytes(2, impostor.replica().deviceIdBytes());
      insert.setBytes(3, impostor.replica().deviceSigningKey().publicKeyset());
      assertEquals(1, insert.executeUpdate());
    }
    server.start();
    server.pushAs(laptop.vault().replica().vaultIdBytes(), impostor);
    Path joined = dir.resolve("new-laptop");

    VaultException e =
        assertThrows(
            VaultException.class,
            () -> DeviceJoin.withRecovery(joined, PASSPHRASE, server.url(), laptop.recoveryKey()));

    assertTrue(e.getMessage().startsWith("joined the vault at " + joined), e.getMessage());
    assertTrue(e.getMessage().contains("memvault sync --vault"), e.getMessage());
    // The vault is there and opens; its sync keeps refusing the server's change.
    try (MemoryVault kept = MemoryVault.open(joined, PASSPHRASE)) {
      assertThrows(VaultException.Corrupt.class, () -> sync(kept, server.url()));
    }
  }

  @Test
  void joinWithRecovery_wrongKey_wrongKeyAndNothingCreated() throws Exception {
    RealServer server = server();
    laptop(server);
    String otherVaultsKey = MemoryVault.create(dir.resolve("other"), PASSPHRASE).recoveryKey();

    VaultException e =
        assertThrows(
            VaultException.WrongKey.class,
            () ->
                DeviceJoin.withRecovery(
                    dir.resolve("new-laptop"), PASSPHRASE, server.url(), otherVaultsKey));

    assertTrue(e.getMessage().contains("no vault on the sync server"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("new-laptop")));
  }

  @Test
  void serverAddsALinkOfItsOwn_clientsRefuseTheChain() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    server.stop();
    // The server appends a link adding a device it controls, signed by that device, as if the
    // laptop had approved it: it holds no key that could sign for the laptop.
    byte[] vaultId = laptop.replica().vaultIdBytes();
    List<SignedDeviceLink> chain = server.storedChain(vaultId);
    DeviceSigningKey serverKey = DeviceSigningKey.generate();
    ByteString link =
        DeviceLink.newBuilder()
            .setVaultId(ByteString.copyFrom(vaultId))
            .setSeq(2)
            .setPrevHash(ByteString.copyFrom(DeviceChain.linkHash(chain.get(0))))
            .setSignerDeviceId(ByteString.copyFrom(laptop.replica().deviceIdBytes()))
            .setAdded(
                DeviceAdded.newBuilder()
                    .setDeviceId(ByteString.copyFrom(new byte[16]))
                    .setSigningPublicKeyset(ByteString.copyFrom(serverKey.publicKeyset())))
            .build()
            .toByteString();
    server.insertLink(
        vaultId,
        2,
        SignedDeviceLink.newBuilder()
            .setLink(link)
            .setSignature(ByteString.copyFrom(serverKey.sign(DeviceChain.signingInput(link))))
            .build());
    server.start();

    VaultException e = assertThrows(VaultException.Corrupt.class, () -> sync(laptop, server.url()));

    assertTrue(e.getMessage().contains("device chain link 2"), e.getMessage());
  }

  @Test
  void serverRewritesAChangeAndItsHashes_signatureCheckRefusesIt() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    Memory written = phone.add(NewMemory.of("work", Kind.NOTE, "the phone wrote this"));
    sync(phone, server.url());
    server.stop();
    // The server swaps the last entry's payload for another envelope of the phone's (a copy of
    // an earlier change) and recomputes the entry's hash and the head, so the hash chain still
    // extends what the laptop verified: only the phone's signature can tell.
    byte[] vaultId = laptop.replica().vaultIdBytes();
    try (Connection db = server.database()) {
      long last;
      byte[] prevHash;
      dev.memvault.proto.sync.v1.Change.Builder change =
          dev.memvault.proto.sync.v1.Change.newBuilder();
      try (PreparedStatement select =
              db.prepareStatement(
                  "SELECT seq, prev_hash, change_id, device_id, record_id, signature,"
                      + " batch_proof, supersedes_through FROM log_entries WHERE vault_id = ?"
                      + " ORDER BY seq DESC LIMIT 1");
          PreparedStatement earlier =
              db.prepareStatement(
                  "SELECT payload FROM log_entries WHERE vault_id = ? ORDER BY seq LIMIT 1")) {
        select.setBytes(1, vaultId);
        try (ResultSet row = select.executeQuery()) {
          row.next();
          last = row.getLong(1);
          prevHash = row.getBytes(2);
          change
              .setChangeId(ByteString.copyFrom(row.getBytes(3)))
              .setDeviceId(ByteString.copyFrom(row.getBytes(4)))
              .setRecordId(ByteString.copyFrom(row.getBytes(5)))
              .setSignature(ByteString.copyFrom(row.getBytes(6)))
              .setBatch(dev.memvault.proto.sync.v1.BatchProof.parseFrom(row.getBytes(7)))
              .setSupersedesThrough(row.getLong(8));
        }
        earlier.setBytes(1, vaultId);
        try (ResultSet row = earlier.executeQuery()) {
          row.next();
          ByteString payload = ByteString.copyFrom(row.getBytes(1));
          // The payload and its hash both swapped: only the signature is left to tell.
          change
              .setPayload(payload)
              .setPayloadHash(dev.memvault.protocol.CommittedPayloads.hashOf(payload));
        }
      }
      byte[] hash =
          dev.memvault.protocol.LogChain.entryHash(vaultId, last, prevHash, change.build());
      try (PreparedStatement update =
              db.prepareStatement(
                  "UPDATE log_entries SET payload = ?, payload_hash = ?, entry_hash = ?"
                      + " WHERE vault_id = ? AND seq = ?");
          PreparedStatement head =
              db.prepareStatement("UPDATE vaults SET head_hash = ? WHERE vault_id = ?")) {
        update.setBytes(1, change.getPayload().toByteArray());
        update.setBytes(2, change.getPayloadHash().toByteArray());
        update.setBytes(3, hash);
        update.setBytes(4, vaultId);
        update.setLong(5, last);
        assertEquals(1, update.executeUpdate());
        head.setBytes(1, hash);
        head.setBytes(2, vaultId);
        assertEquals(1, head.executeUpdate());
      }
    }
    server.start();

    VaultException e = assertThrows(VaultException.Corrupt.class, () -> sync(laptop, server.url()));

    assertTrue(e.getMessage().contains("does not carry a valid signature"), e.getMessage());
    assertThrows(VaultException.UnknownItem.class, () -> laptop.get(written.getId()));
  }

  @Test
  void serverRollsTheChainBack_clientRefuses() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    server.stop();
    Path beforeLinking = copy(server.data(), dir.resolve("server-before-linking"));
    server.start();
    track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    sync(laptop, server.url());

    server.restartOn(beforeLinking);

    VaultException e = assertThrows(VaultException.Corrupt.class, () -> sync(laptop, server.url()));
    assertTrue(e.getMessage().contains("rolled back or replaced"), e.getMessage());
  }

  @Test
  void revoke_phone_phoneCannotSyncAndLaterMemoriesUseKeysItNeverHad() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    MemoryVault phone = track(Linking.link(laptop, server.url(), dir.resolve("phone")).vault());
    String phoneId = TestEngines.engine(phone).deviceIdHex();
    int keysBefore = scopeKeyCount(laptop, "work");

    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      client.revoke(phoneId);
      List<DeviceInfo> listed = client.devices();
      assertFalse(listed.get(1).active());
    }

    assertEquals(keysBefore + 1, scopeKeyCount(laptop, "work"), "the work scope key rotated");
    VaultException e = assertThrows(VaultException.class, () -> sync(phone, server.url()));
    assertTrue(e.getMessage().contains("revoked"), e.getMessage());
    // A server that still takes the phone's writes after revocation gains nothing: the other
    // devices skip them.
    Memory late = phone.add(NewMemory.of("work", Kind.NOTE, "written after revocation"));
    server.stop();
    server.reinstate(laptop.replica().vaultIdBytes(), phone.replica().deviceIdBytes());
    server.start();
    server.pushAs(laptop.replica().vaultIdBytes(), phone);
    sync(laptop, server.url());
    assertThrows(VaultException.UnknownItem.class, () -> laptop.get(late.getId()));
  }

  @Test
  void revoke_thisDeviceOrUnknownId_invalidInput() throws Exception {
    RealServer server = server();
    MemoryVault laptop = laptop(server).vault();
    try (SyncClient client = SyncClient.connect(laptop, server.url())) {
      assertThrows(
          VaultException.InvalidInput.class,
          () -> client.revoke(TestEngines.engine(laptop).deviceIdHex()));
      assertThrows(
          VaultException.InvalidInput.class,
          () -> client.revoke("00000000000000000000000000000000"));
      assertThrows(VaultException.InvalidInput.class, () -> client.revoke("not-an-id"));
    }
  }

  // ---------------------------------------------------------------- helpers

  private static int scopeKeyCount(MemoryVault vault, String scope) {
    return vault.scopes().stream()
        .filter(summary -> summary.name().equals(scope))
        .findFirst()
        .orElseThrow()
        .keyCount();
  }

  private static Path copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path file : files.toList()) {
        if (!file.getFileName().toString().endsWith(".lock")) {
          Files.copy(file, to.resolve(file.getFileName()));
        }
      }
    }
    return to;
  }
}
