package dev.memvault.server.store;

import static dev.memvault.server.store.Fixtures.ACCEPTED_AT;
import static dev.memvault.server.store.Fixtures.change;
import static dev.memvault.server.store.Fixtures.changeId;
import static dev.memvault.server.store.Fixtures.changes;
import static dev.memvault.server.store.Fixtures.countedBytes;
import static dev.memvault.server.store.Fixtures.device;
import static dev.memvault.server.store.Fixtures.deviceId;
import static dev.memvault.server.store.Fixtures.vaultId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.BatchProof;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Device;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.SignedDeviceLink;
import dev.memvault.protocol.CommittedPayloads;
import dev.memvault.protocol.LogChain;
import dev.memvault.server.store.SyncStore.Appended;
import dev.memvault.server.store.SyncStore.Cap;
import dev.memvault.server.store.SyncStore.CapReachedException;
import dev.memvault.server.store.SyncStore.QuotaExceededException;
import dev.memvault.server.store.SyncStore.UnknownVaultException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SyncStore} must do, run against each real backend by a subclass. Each test gets
 * fresh, empty storage.
 */
abstract class SyncStoreContract {
  static final StoreLimits LIMITS = new StoreLimits(1_000_000);

  /** Long enough for a loaded 2-core machine; a notice normally arrives in milliseconds. */
  static final long NOTICE_TIMEOUT_SECONDS = 30;

  static final byte[] VAULT = vaultId(1);

  SyncStore store;

  /** Makes fresh, empty storage for one test. */
  abstract void createStorage() throws Exception;

  /** Opens a store on this test's storage; called again after close to reopen it. */
  abstract SyncStore openStore(StoreLimits limits);

  /** Removes this test's storage once its stores are closed. */
  void dropStorage() throws Exception {}

  @BeforeEach
  void openFreshStore() throws Exception {
    createStorage();
    store = openStore(LIMITS);
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store != null) {
      store.close();
    }
    dropStorage();
  }

  SyncStore reopen(StoreLimits limits) {
    store.close();
    store = openStore(limits);
    return store;
  }

  static void assertVerifies(Head trusted, List<LogEntry> entries, byte[] vaultId) {
    try {
      LogChain.verifyExtends(trusted, entries, vaultId);
    } catch (LogChain.BrokenChainException e) {
      throw new AssertionError("the chain does not verify: " + e.getMessage(), e);
    }
  }

  static Head headOf(LogEntry entry) {
    return Head.newBuilder().setSeq(entry.getSeq()).setEntryHash(entry.getEntryHash()).build();
  }

  List<LogEntry> readAll(SyncStore from, byte[] vaultId) {
    return from.read(vaultId, 0, Integer.MAX_VALUE);
  }

  // ------------------------------------------------------------------------------ identity

  @Test
  void serverIdentity_firstProposalKept_laterProposalsAndReopensGetIt() {
    assertEquals("127.0.0.1:17501", store.serverIdentity("127.0.0.1:17501"));

    assertEquals("127.0.0.1:17501", store.serverIdentity("127.0.0.1:17502"));
    assertEquals("127.0.0.1:17501", reopen(LIMITS).serverIdentity("sync.example.org"));
  }

  @Test
  void serverSecretCheck_firstProposalKept_laterProposalsAndReopensGetIt() {
    byte[] first = {1, 2, 3};

    assertArrayEquals(first, store.serverSecretCheck(first));
    assertArrayEquals(first, store.serverSecretCheck(new byte[] {4, 5, 6}));
    assertArrayEquals(first, reopen(LIMITS).serverSecretCheck(new byte[] {7}));
  }

  @Test
  void replaceServerSecretCheck_kept_laterProposalsGetTheReplacement() {
    store.serverSecretCheck(new byte[] {1, 2, 3});

    store.replaceServerSecretCheck(new byte[] {4, 5, 6});

    assertArrayEquals(new byte[] {4, 5, 6}, reopen(LIMITS).serverSecretCheck(new byte[] {7}));
  }

  // ------------------------------------------------------------------------------ grant reads

  @Test
  void recordGrantRead_twoReads_addUpPerGrantAndSurviveReopening() {
    store.registerVault(VAULT, device(1));
    byte[] grant = new byte[16];
    grant[0] = 7;
    byte[] other = new byte[16];
    other[0] = 9;

    store.recordGrantRead(VAULT, grant, 1_000, 3);
    store.recordGrantRead(VAULT, grant, 2_000, 4);
    store.recordGrantRead(VAULT, other, 1_500, 0);

    List<dev.memvault.proto.sync.v1.GrantAccess> reads = reopen(LIMITS).grantReads(VAULT);
    assertEquals(2, reads.size());
    assertEquals(com.google.protobuf.ByteString.copyFrom(grant), reads.get(0).getGrantId());
    assertEquals(2_000, reads.get(0).getLastAccessMs());
    assertEquals(7, reads.get(0).getRecordsServed());
    assertEquals(2, reads.get(0).getReads());
    assertEquals(0, reads.get(1).getRecordsServed());
    assertEquals(1, reads.get(1).getReads());
  }

  // ------------------------------------------------------------------------------ vaults

  @Test
  void registerVault_new_createsEmptyLog() {
    assertTrue(store.registerVault(VAULT, device(1)));

    assertEquals(LogChain.emptyHead(), store.head(VAULT));
    assertEquals(List.of(), store.read(VAULT, 0, 10));
    assertEquals(0, store.storedBytes(VAULT));
    assertEquals(List.of(device(1)), store.devices(VAULT));
  }

  @Test
  void registerVault_twice_falseAndFirstDeviceKept() {
    assertTrue(store.registerVault(VAULT, device(1)));

    assertFalse(store.registerVault(VAULT, device(2)));

    assertEquals(List.of(device(1)), store.devices(VAULT));
  }

  // ------------------------------------------------------------------------------ device chain

  /** The store keeps links as opaque bytes; the rules are checked above it (DeviceChains). */
  static SignedDeviceLink link(long n) {
    return SignedDeviceLink.newBuilder()
        .setLink(ByteString.copyFromUtf8("link " + n))
        .setSignature(ByteString.copyFromUtf8("signature " + n))
        .build();
  }

  @Test
  void registerVault_withGenesisAndRecovery_chainAndRecoveryStored() {
    SyncStore.RecoveryRecord recovery =
        new SyncStore.RecoveryRecord(new byte[32], VAULT, new byte[] {7, 7});

    assertTrue(store.registerVault(VAULT, device(1), Optional.of(link(1)), Optional.of(recovery)));

    assertEquals(List.of(link(1)), store.deviceChain(VAULT));
    SyncStore.RecoveryRecord found = store.recovery(new byte[32]).orElseThrow();
    assertArrayEquals(VAULT, found.vaultId());
    assertArrayEquals(new byte[] {7, 7}, found.rootKeyByRecovery());
  }

  @Test
  void registerVault_recoveryKeyTaken_falseAndNoSecondVault() {
    byte[] recoveryKey = new byte[32];
    store.registerVault(
        VAULT,
        device(1),
        Optional.of(link(1)),
        Optional.of(new SyncStore.RecoveryRecord(recoveryKey, VAULT, new byte[] {1})));

    assertFalse(
        store.registerVault(
            vaultId(2),
            device(2),
            Optional.of(link(1)),
            Optional.of(new SyncStore.RecoveryRecord(recoveryKey, vaultId(2), new byte[] {2}))));

    assertThrows(UnknownVaultException.class, () -> store.head(vaultId(2)));
    assertEquals(List.of(), store.deviceChain(vaultId(2)));
  }

  @Test
  void appendDeviceLink_addsAndRevokes_chainAndDevicesInStep() {
    store.registerVault(VAULT, device(1), Optional.of(link(1)), Optional.empty());

    assertTrue(store.appendDeviceLink(VAULT, 2, link(2), new SyncStore.Adds(device(2))));
    assertTrue(store.appendDeviceLink(VAULT, 3, link(3), new SyncStore.Revokes(deviceId(2), 42)));

    assertEquals(List.of(link(1), link(2), link(3)), store.deviceChain(VAULT));
    assertEquals(42, store.device(VAULT, deviceId(2)).orElseThrow().getRevokedAtMs());
  }

  @Test
  void startOver_vaultWithLogAndChain_replacedByEmptyLogAndUploadedChain() {
    store.registerVault(
        VAULT,
        device(1),
        Optional.of(link(1)),
        Optional.of(new SyncStore.RecoveryRecord(new byte[32], VAULT, new byte[] {1})));
    store.appendDeviceLink(VAULT, 2, link(2), new SyncStore.Adds(device(2)));
    store.append(VAULT, changes(1, 5), ACCEPTED_AT);
    byte[] pairingId = new byte[8];
    store.openPairing(pairingId, VAULT, deviceId(1), ACCEPTED_AT, ACCEPTED_AT + 600_000);

    assertTrue(
        store.startOver(
            VAULT,
            List.of(link(1), link(2), link(3), link(4)),
            List.of(
                new SyncStore.Adds(device(1)),
                new SyncStore.Adds(device(2)),
                new SyncStore.Revokes(deviceId(2), 42),
                new SyncStore.NoDeviceChange()),
            Optional.of(new SyncStore.RecoveryRecord(new byte[32], VAULT, new byte[] {2})),
            ACCEPTED_AT));

    assertEquals(List.of(), store.read(VAULT, 0, 100), "the log starts empty");
    assertEquals(0, store.head(VAULT).getSeq());
    assertEquals(0, store.storedBytes(VAULT));
    assertEquals(List.of(link(1), link(2), link(3), link(4)), store.deviceChain(VAULT));
    assertEquals(42, store.device(VAULT, deviceId(2)).orElseThrow().getRevokedAtMs());
    assertArrayEquals(
        new byte[] {2}, store.recovery(new byte[32]).orElseThrow().rootKeyByRecovery());
    assertEquals(Optional.empty(), store.pairing(pairingId, ACCEPTED_AT), "slots closed");
    assertEquals(
        1, store.append(VAULT, changes(1, 1), ACCEPTED_AT).get(0).getSeq(), "numbered from 1");
    assertVerifies(LogChain.emptyHead(), store.read(VAULT, 0, 100), VAULT);
  }

  @Test
  void startOver_recoveryKeyOfAnotherVault_falseAndNothingChanged() {
    byte[] taken = new byte[32];
    store.registerVault(
        vaultId(2),
        device(2),
        Optional.of(link(1)),
        Optional.of(new SyncStore.RecoveryRecord(taken, vaultId(2), new byte[] {1})));
    store.registerVault(VAULT, device(1), Optional.of(link(1)), Optional.empty());
    store.append(VAULT, changes(1, 3), ACCEPTED_AT);

    assertFalse(
        store.startOver(
            VAULT,
            List.of(link(1)),
            List.of(new SyncStore.Adds(device(1))),
            Optional.of(new SyncStore.RecoveryRecord(taken, VAULT, new byte[] {2})),
            ACCEPTED_AT));

    assertEquals(3, store.read(VAULT, 0, 100).size());
    assertArrayEquals(vaultId(2), store.recovery(taken).orElseThrow().vaultId());
  }

  @Test
  void appendDeviceLink_wrongSeq_falseAndNothingStored() {
    store.registerVault(VAULT, device(1), Optional.of(link(1)), Optional.empty());

    assertFalse(store.appendDeviceLink(VAULT, 1, link(9), new SyncStore.Adds(device(2))));
    assertFalse(store.appendDeviceLink(VAULT, 3, link(9), new SyncStore.Adds(device(2))));

    assertEquals(List.of(link(1)), store.deviceChain(VAULT));
    assertEquals(List.of(device(1)), store.devices(VAULT));
  }

  @Test
  void appendDeviceLink_deviceExists_falseAndLinkNotStored() {
    store.registerVault(VAULT, device(1), Optional.of(link(1)), Optional.empty());

    assertFalse(store.appendDeviceLink(VAULT, 2, link(2), new SyncStore.Adds(device(1))));

    assertEquals(List.of(link(1)), store.deviceChain(VAULT));
  }

  @Test
  void pairing_slotRelaysEachPayloadOnceUntilItExpires() {
    store.registerVault(VAULT, device(1));
    byte[] pairingId = {1, 2, 3, 4, 5, 6, 7, 8};
    long expiresAt = 1_000_000;

    assertTrue(store.openPairing(pairingId, VAULT, deviceId(1), 0, expiresAt));
    assertFalse(store.openPairing(pairingId, vaultId(2), deviceId(2), 0, expiresAt));
    assertFalse(store.postKeyPackage(pairingId, VAULT, new byte[] {9}, 10)); // no request yet
    assertTrue(store.postJoinRequest(pairingId, new byte[] {1}, 10));
    assertFalse(store.postJoinRequest(pairingId, new byte[] {2}, 10));
    assertFalse(store.postKeyPackage(pairingId, vaultId(2), new byte[] {9}, 10));
    assertTrue(store.postKeyPackage(pairingId, VAULT, new byte[] {9}, 10));

    SyncStore.Pairing slot = store.pairing(pairingId, 10).orElseThrow();
    assertArrayEquals(VAULT, slot.vaultId());
    assertArrayEquals(new byte[] {1}, slot.joinRequest().orElseThrow());
    assertArrayEquals(new byte[] {9}, slot.sealedKeyPackage().orElseThrow());
    assertEquals(Optional.empty(), store.pairing(pairingId, expiresAt).map(p -> "still open"));
  }

  @Test
  void addDevice_newDevices_listedInRegistrationOrder() {
    store.registerVault(VAULT, device(5));

    assertTrue(store.addDevice(VAULT, device(3)));
    assertTrue(store.addDevice(VAULT, device(9)));

    assertEquals(List.of(device(5), device(3), device(9)), store.devices(VAULT));
    assertEquals(Optional.of(device(3)), store.device(VAULT, deviceId(3)));
  }

  @Test
  void addDevice_existingDevice_falseAndUnchanged() {
    store.registerVault(VAULT, device(1));
    Device impostor =
        device(1).toBuilder().setSigningPublicKeyset(ByteString.copyFromUtf8("other")).build();

    assertFalse(store.addDevice(VAULT, impostor));

    assertEquals(List.of(device(1)), store.devices(VAULT));
  }

  @Test
  void addDevice_unknownVault_false() {
    assertFalse(store.addDevice(VAULT, device(1)));

    assertEquals(List.of(), store.devices(VAULT));
  }

  @Test
  void device_unknown_empty() {
    store.registerVault(VAULT, device(1));

    assertEquals(Optional.empty(), store.device(VAULT, deviceId(2)));
    assertEquals(Optional.empty(), store.device(vaultId(2), deviceId(1)));
  }

  @Test
  void devices_ofOtherVault_notListed() {
    store.registerVault(VAULT, device(1));
    store.registerVault(vaultId(2), device(2));

    assertEquals(List.of(device(2)), store.devices(vaultId(2)));
    assertEquals(Optional.empty(), store.device(vaultId(2), deviceId(1)));
  }

  @Test
  void revokeDevice_active_revokedAtTimeAndStillListed() {
    store.registerVault(VAULT, device(1));
    store.addDevice(VAULT, device(2));

    assertTrue(store.revokeDevice(VAULT, deviceId(2), 42));

    Device revoked = device(2).toBuilder().setRevokedAtMs(42).build();
    assertEquals(List.of(device(1), revoked), store.devices(VAULT));
    assertEquals(Optional.of(revoked), store.device(VAULT, deviceId(2)));
  }

  @Test
  void revokeDevice_twice_keepsFirstTime() {
    store.registerVault(VAULT, device(1));
    store.revokeDevice(VAULT, deviceId(1), 42);

    assertTrue(store.revokeDevice(VAULT, deviceId(1), 99));

    assertEquals(42, store.device(VAULT, deviceId(1)).orElseThrow().getRevokedAtMs());
  }

  @Test
  void revokeDevice_unknown_false() {
    store.registerVault(VAULT, device(1));

    assertFalse(store.revokeDevice(VAULT, deviceId(2), 42));
    assertFalse(store.revokeDevice(vaultId(2), deviceId(1), 42));
  }

  @Test
  void revokeDevice_entriesStayInLog() {
    store.registerVault(VAULT, device(1));
    List<LogEntry> entries = store.append(VAULT, changes(1, 3), ACCEPTED_AT);

    store.revokeDevice(VAULT, deviceId(1), 42);

    assertEquals(entries, readAll(store, VAULT));
  }

  // ------------------------------------------------------------------------------ append

  @Test
  void append_batches_readBackInOrderWithGaplessSeqs() {
    store.registerVault(VAULT, device(1));

    List<LogEntry> first = store.append(VAULT, changes(1, 3), ACCEPTED_AT);
    List<LogEntry> second = store.append(VAULT, changes(4, 5), ACCEPTED_AT + 1);

    List<LogEntry> all = readAll(store, VAULT);
    assertEquals(5, all.size());
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).getSeq());
      assertEquals(change(i + 1), all.get(i).getChange());
    }
    List<LogEntry> returned = new ArrayList<>(first);
    returned.addAll(second);
    assertEquals(returned, all);
    assertEquals(ACCEPTED_AT, all.get(0).getAcceptedAtMs());
    assertEquals(ACCEPTED_AT + 1, all.get(4).getAcceptedAtMs());
    assertEquals(headOf(all.get(4)), store.head(VAULT));
  }

  /** {@code change} in the committed-payload form, with a batch proof of one leaf. */
  private static Change committed(Change change, long supersedesThrough) {
    return CommittedPayloads.commit(change, supersedesThrough).toBuilder()
        .setBatch(BatchProof.newBuilder().setLeafIndex(0).setLeafCount(1))
        .build();
  }

  @Test
  void append_changeSupersedingEarlierOnes_dropsTheirPayloadsAndKeepsTheirHashes() {
    store.registerVault(VAULT, device(1));
    // Changes 1, 8 and 15 are about one record; change 2 about another.
    Change older = committed(change(1), 0);
    Change otherRecord = committed(change(2), 0);
    Change olderForm = change(8);
    store.append(VAULT, List.of(older, otherRecord, olderForm), ACCEPTED_AT);
    List<LogEntry> before = readAll(store, VAULT);
    long bytesBefore = store.storedBytes(VAULT);
    Change later = committed(change(15), 3);

    store.append(VAULT, List.of(later), ACCEPTED_AT);

    List<LogEntry> all = readAll(store, VAULT);
    Change dropped = all.get(0).getChange();
    assertTrue(dropped.getPayload().isEmpty());
    assertEquals(older.getPayloadHash(), dropped.getPayloadHash());
    assertEquals(4, all.get(0).getPayloadDroppedBy());
    assertEquals(before.get(0).getEntryHash(), all.get(0).getEntryHash());
    assertEquals(otherRecord, all.get(1).getChange());
    assertEquals(olderForm, all.get(2).getChange(), "an older change's payload is never dropped");
    assertEquals(0, all.get(2).getPayloadDroppedBy());
    assertEquals(later, all.get(3).getChange());
    assertVerifies(LogChain.emptyHead(), all, VAULT);
    assertEquals(
        bytesBefore + countedBytes(List.of(later)) - older.getPayload().size(),
        store.storedBytes(VAULT));
  }

  @Test
  void append_supersedesThroughItsOwnSeqOrPast_dropsOnlyEntriesBeforeIt() {
    store.registerVault(VAULT, device(1));
    Change first = committed(change(1), 0);
    Change second = committed(change(8), 99);
    Change third = committed(change(15), 0);

    store.append(VAULT, List.of(first, second, third), ACCEPTED_AT);

    List<LogEntry> all = readAll(store, VAULT);
    assertEquals(2, all.get(0).getPayloadDroppedBy());
    assertTrue(all.get(0).getChange().getPayload().isEmpty());
    assertEquals(second, all.get(1).getChange(), "its own payload stays");
    assertEquals(third, all.get(2).getChange(), "a later entry is never released by an earlier");
    assertVerifies(LogChain.emptyHead(), all, VAULT);
  }

  @Test
  void append_entries_chainVerifiesFromGenesisAndFromEveryHead() {
    store.registerVault(VAULT, device(1));
    store.append(VAULT, changes(1, 4), ACCEPTED_AT);
    store.append(VAULT, changes(5, 9), ACCEPTED_AT);

    List<LogEntry> all = readAll(store, VAULT);

    assertVerifies(LogChain.emptyHead(), all, VAULT);
    for (int i = 0; i < all.size(); i++) {
      assertVerifies(headOf(all.get(i)), all.subList(i + 1, all.size()), VAULT);
    }
    assertArrayEquals(LogChain.genesisHash(), all.get(0).getPrevHash().toByteArray());
  }

  @Test
  void append_emptyFields_storedAndHashedAsEmpty() {
    store.registerVault(VAULT, device(1));
    Change bare = Change.newBuilder().setChangeId(ByteString.copyFrom(changeId(1))).build();

    List<LogEntry> entries = store.append(VAULT, List.of(bare), ACCEPTED_AT);

    assertEquals(entries, readAll(store, VAULT));
    assertEquals(bare, readAll(store, VAULT).get(0).getChange());
    assertVerifies(LogChain.emptyHead(), readAll(store, VAULT), VAULT);
  }

  @Test
  void append_sameChangeIdsAgain_returnsOriginalEntriesAndStoresNothing() {
    store.registerVault(VAULT, device(1));
    List<LogEntry> original = store.append(VAULT, changes(1, 3), ACCEPTED_AT);
    long bytes = store.storedBytes(VAULT);

    List<LogEntry> again = store.append(VAULT, changes(1, 3), ACCEPTED_AT + 5);

    assertEquals(original, again);
    assertEquals(original, readAll(store, VAULT));
    assertEquals(bytes, store.storedBytes(VAULT));
    assertEquals(headOf(original.get(2)), store.head(VAULT));
  }

  @Test
  void append_batchMixingOldAndNewIds_returnsOldEntriesAndAppendsOnlyNew() {
    store.registerVault(VAULT, device(1));
    List<LogEntry> original = store.append(VAULT, changes(1, 3), ACCEPTED_AT);

    List<LogEntry> mixed =
        store.append(VAULT, List.of(change(4), change(2), change(5), change(1)), ACCEPTED_AT + 5);

    assertEquals(original.get(1), mixed.get(1));
    assertEquals(original.get(0), mixed.get(3));
    assertEquals(4, mixed.get(0).getSeq());
    assertEquals(5, mixed.get(2).getSeq());
    assertEquals(ACCEPTED_AT + 5, mixed.get(2).getAcceptedAtMs());
    List<LogEntry> all = readAll(store, VAULT);
    assertEquals(
        List.of(original.get(0), original.get(1), original.get(2), mixed.get(0), mixed.get(2)),
        all);
    assertVerifies(LogChain.emptyHead(), all, VAULT);
    assertEquals(countedBytes(changes(1, 5)), store.storedBytes(VAULT));
  }

  @Test
  void append_changeIdRepeatedInBatch_storedOnce() {
    store.registerVault(VAULT, device(1));

    List<LogEntry> entries =
        store.append(VAULT, List.of(change(1), change(2), change(1)), ACCEPTED_AT);

    assertEquals(entries.get(0), entries.get(2));
    assertEquals(List.of(entries.get(0), entries.get(1)), readAll(store, VAULT));
  }

  @Test
  void append_reusedChangeIdWithOtherContent_returnsStoredEntry() {
    store.registerVault(VAULT, device(1));
    List<LogEntry> original = store.append(VAULT, List.of(change(1, "first")), ACCEPTED_AT);

    List<LogEntry> again = store.append(VAULT, List.of(change(1, "second")), ACCEPTED_AT);

    assertEquals(original, again);
    assertEquals(original, readAll(store, VAULT));
  }

  @Test
  void append_sameChangeIdInTwoVaults_storedInEach() {
    store.registerVault(VAULT, device(1));
    store.registerVault(vaultId(2), device(1));

    LogEntry inFirst = store.append(VAULT, List.of(change(1)), ACCEPTED_AT).get(0);
    LogEntry inSecond = store.append(vaultId(2), List.of(change(1)), ACCEPTED_AT).get(0);

    assertEquals(1, inFirst.getSeq());
    assertEquals(1, inSecond.getSeq());
    assertFalse(inFirst.getEntryHash().equals(inSecond.getEntryHash()), "the hash binds the vault");
    assertVerifies(LogChain.emptyHead(), readAll(store, vaultId(2)), vaultId(2));
  }

  @Test
  void append_unknownVault_throwsUnknownVault() {
    assertThrows(
        UnknownVaultException.class, () -> store.append(VAULT, changes(1, 1), ACCEPTED_AT));
  }

  @Test
  void append_emptyBatch_returnsNothingAndChangesNothing() {
    store.registerVault(VAULT, device(1));

    assertEquals(List.of(), store.append(VAULT, List.of(), ACCEPTED_AT));

    assertEquals(LogChain.emptyHead(), store.head(VAULT));
  }

  @Test
  void append_changeIdOfWrongLength_rejected() {
    store.registerVault(VAULT, device(1));
    Change shortId = change(1).toBuilder().setChangeId(ByteString.copyFromUtf8("short")).build();

    assertThrows(
        IllegalArgumentException.class, () -> store.append(VAULT, List.of(shortId), ACCEPTED_AT));
    assertEquals(LogChain.emptyHead(), store.head(VAULT));
  }

  // ------------------------------------------------------------------------------ caps

  @Test
  void registerVault_atVaultCap_serverFullAndNothingStored() {
    reopen(new StoreLimits(1_000_000, 2, Long.MAX_VALUE, 4));
    assertTrue(store.registerVault(vaultId(1), device(1)));
    assertTrue(store.registerVault(vaultId(2), device(2)));

    CapReachedException refused =
        assertThrows(CapReachedException.class, () -> store.registerVault(vaultId(3), device(3)));

    assertEquals(Cap.VAULTS, refused.cap());
    assertEquals(2, store.vaultCount());
    assertEquals(List.of(), store.devices(vaultId(3)));
    assertThrows(UnknownVaultException.class, () -> store.head(vaultId(3)));
    assertFalse(store.registerVault(vaultId(1), device(4)), "an existing vault is not a new one");
  }

  @Test
  void append_pastTotalBytesCap_serverStorageFullAndNothingStored() {
    long cap = countedBytes(changes(1, 2)) + countedBytes(changes(3, 3));
    reopen(new StoreLimits(1_000_000, Long.MAX_VALUE, cap, 4));
    store.registerVault(vaultId(1), device(1));
    store.registerVault(vaultId(2), device(2));
    store.append(vaultId(1), changes(1, 2), ACCEPTED_AT);

    CapReachedException refused =
        assertThrows(
            CapReachedException.class, () -> store.append(vaultId(2), changes(3, 4), ACCEPTED_AT));

    assertEquals(Cap.TOTAL_BYTES, refused.cap());
    assertEquals(LogChain.emptyHead(), store.head(vaultId(2)));
    assertEquals(0, store.storedBytes(vaultId(2)));
    store.append(vaultId(2), changes(3, 3), ACCEPTED_AT);
    assertEquals(cap, store.totalStoredBytes());
    assertEquals(2, store.append(vaultId(1), changes(1, 2), ACCEPTED_AT).size(), "a retry");
  }

  /** Appends of one change each, to three vaults in turn: the cap holds to the byte. */
  @Test
  void append_oneChangeAtATimeAcrossVaults_storesExactlyUpToTheTotalCap() {
    long perChange = countedBytes(List.of(change(1, "same size")));
    reopen(new StoreLimits(1_000_000, Long.MAX_VALUE, 10 * perChange, 4));
    for (int v = 1; v <= 3; v++) {
      store.registerVault(vaultId(v), device(v));
    }
    int stored = 0;
    for (int n = 1; n <= 12; n++) {
      try {
        store.append(vaultId(n % 3 + 1), List.of(change(n, "same size")), ACCEPTED_AT);
        stored++;
      } catch (CapReachedException e) {
        assertEquals(Cap.TOTAL_BYTES, e.cap());
      }
    }

    assertEquals(10, stored);
    assertEquals(10 * perChange, store.totalStoredBytes());
  }

  @Test
  void openPairing_pastDeviceCap_tooManyPairingsUntilOneEndsOrExpires() {
    reopen(new StoreLimits(1_000_000, Long.MAX_VALUE, Long.MAX_VALUE, 2));
    store.registerVault(VAULT, device(1));
    store.addDevice(VAULT, device(2));
    long now = 1_000;
    long expiresAt = 2_000;
    assertTrue(store.openPairing(pairing(1), VAULT, deviceId(1), now, expiresAt));
    assertTrue(store.openPairing(pairing(2), VAULT, deviceId(1), now, expiresAt));

    CapReachedException refused =
        assertThrows(
            CapReachedException.class,
            () -> store.openPairing(pairing(3), VAULT, deviceId(1), now, expiresAt));

    assertEquals(Cap.OPEN_PAIRINGS, refused.cap());
    assertEquals(Optional.empty(), store.pairing(pairing(3), now).map(p -> "opened"));
    assertTrue(store.openPairing(pairing(4), VAULT, deviceId(2), now, expiresAt), "other device");
    assertTrue(store.postJoinRequest(pairing(1), new byte[] {1}, now));
    assertTrue(store.postKeyPackage(pairing(1), VAULT, new byte[] {2}, now));
    assertTrue(store.openPairing(pairing(5), VAULT, deviceId(1), now, expiresAt), "one done");
    assertThrows(
        CapReachedException.class,
        () -> store.openPairing(pairing(6), VAULT, deviceId(1), now, expiresAt));
    assertTrue(
        store.openPairing(pairing(7), VAULT, deviceId(1), expiresAt, expiresAt + 1_000),
        "the others expired");
  }

  private static byte[] pairing(int n) {
    return new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) n};
  }

  // ------------------------------------------------------------------------------ quota

  @Test
  void append_upToQuota_accepted() {
    long quota = countedBytes(changes(1, 3));
    reopen(new StoreLimits(quota));
    store.registerVault(VAULT, device(1));

    store.append(VAULT, changes(1, 3), ACCEPTED_AT);

    assertEquals(quota, store.storedBytes(VAULT));
  }

  /**
   * Appends from many threads at once (the embedded store commits them in groups): each append is
   * stored whole or, past the quota, not at all, whatever else shares its commit, and every log
   * still chains.
   */
  @Test
  void append_manyThreadsAtOnceSomePastQuota_eachWholeOrNothingAndLogsChain() throws Exception {
    reopen(new StoreLimits(countedBytes(changes(1, 40))));
    int vaults = 4;
    for (int v = 1; v <= vaults; v++) {
      store.registerVault(vaultId(v), device(v));
    }
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<List<Change>>>> stored = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      byte[] vault = vaultId(t % vaults + 1);
      long first = 1_000L * (t + 1);
      stored.add(
          pool.submit(
              () -> {
                start.await();
                List<List<Change>> accepted = new ArrayList<>();
                for (int batch = 0; batch < 10; batch++) {
                  List<Change> changes = changes(first + batch * 5, first + batch * 5 + 4);
                  try {
                    store.append(vault, changes, ACCEPTED_AT);
                    accepted.add(changes);
                  } catch (QuotaExceededException expected) {
                    // past the quota: nothing of this batch may be stored
                  }
                }
                return accepted;
              }));
    }
    start.countDown();
    List<Set<ByteString>> expected = new ArrayList<>();
    for (int v = 0; v < vaults; v++) {
      expected.add(new HashSet<>());
    }
    int refused = 0;
    for (int t = 0; t < threads; t++) {
      List<List<Change>> accepted = stored.get(t).get(60, TimeUnit.SECONDS);
      refused += 10 - accepted.size();
      for (List<Change> batch : accepted) {
        for (Change change : batch) {
          expected.get(t % vaults).add(change.getChangeId());
        }
      }
    }
    pool.shutdown();

    assertTrue(refused > 0, "the quota refused no append");
    for (int v = 1; v <= vaults; v++) {
      List<LogEntry> log = readAll(store, vaultId(v));
      Set<ByteString> ids = new HashSet<>();
      long bytes = 0;
      for (LogEntry entry : log) {
        ids.add(entry.getChange().getChangeId());
        bytes += JdbcSyncStore.countedBytes(entry.getChange());
      }
      assertEquals(expected.get(v - 1), ids, "vault " + v);
      assertEquals(log.size(), ids.size(), "vault " + v + " stored a change twice");
      assertEquals(bytes, store.storedBytes(vaultId(v)));
      byte[] vault = vaultId(v);
      LogChain.verifyExtends(LogChain.emptyHead(), log, vault);
      assertEquals(headOf(log.get(log.size() - 1)), store.head(vault));
    }
  }

  @Test
  void append_pastQuota_throwsAndStoresNothing() {
    reopen(new StoreLimits(countedBytes(changes(1, 3)) + 10));
    store.registerVault(VAULT, device(1));
    List<LogEntry> before = store.append(VAULT, changes(1, 2), ACCEPTED_AT);

    assertThrows(
        QuotaExceededException.class, () -> store.append(VAULT, changes(3, 4), ACCEPTED_AT));

    assertEquals(before, readAll(store, VAULT));
    assertEquals(headOf(before.get(1)), store.head(VAULT));
    assertEquals(countedBytes(changes(1, 2)), store.storedBytes(VAULT));
    store.append(VAULT, changes(3, 3), ACCEPTED_AT); // what still fits is still accepted
  }

  @Test
  void append_retryOfStoredChangesAtQuota_acceptedWithoutCounting() {
    reopen(new StoreLimits(countedBytes(changes(1, 3))));
    store.registerVault(VAULT, device(1));
    List<LogEntry> original = store.append(VAULT, changes(1, 3), ACCEPTED_AT);

    assertEquals(original, store.append(VAULT, changes(1, 3), ACCEPTED_AT));
  }

  @Test
  void append_quota_perVault() {
    reopen(new StoreLimits(countedBytes(changes(1, 3))));
    store.registerVault(VAULT, device(1));
    store.registerVault(vaultId(2), device(1));
    store.append(VAULT, changes(1, 3), ACCEPTED_AT);

    store.append(vaultId(2), changes(1, 3), ACCEPTED_AT);

    assertEquals(store.storedBytes(VAULT), store.storedBytes(vaultId(2)));
  }

  @Test
  void storedBytes_countsPayloadsAndSignatures() {
    store.registerVault(VAULT, device(1));
    store.append(VAULT, List.of(change(1, "12345")), ACCEPTED_AT);

    assertEquals(5 + Fixtures.SIGNATURE_LENGTH, store.storedBytes(VAULT));
  }

  @Test
  void totalStoredBytes_sumsEveryVault() {
    assertEquals(0, store.totalStoredBytes());
    store.registerVault(VAULT, device(1));
    store.registerVault(vaultId(2), device(1));
    store.append(VAULT, changes(1, 3), ACCEPTED_AT);
    store.append(vaultId(2), changes(4, 5), ACCEPTED_AT);

    assertEquals(countedBytes(changes(1, 5)), store.totalStoredBytes());
  }

  // ------------------------------------------------------------------------------ read

  @Test
  void read_afterSeqAndLimit_pagesThroughLog() {
    store.registerVault(VAULT, device(1));
    List<LogEntry> all = store.append(VAULT, changes(1, 10), ACCEPTED_AT);

    assertEquals(all.subList(0, 4), store.read(VAULT, 0, 4));
    assertEquals(all.subList(4, 8), store.read(VAULT, 4, 4));
    assertEquals(all.subList(8, 10), store.read(VAULT, 8, 4));
    assertEquals(List.of(), store.read(VAULT, 10, 4));
    assertEquals(List.of(), store.read(VAULT, 99, 4));
    assertEquals(all.subList(3, 4), store.read(VAULT, 3, 1));
  }

  @Test
  void read_pagesChainedOneAfterAnother_verify() {
    store.registerVault(VAULT, device(1));
    store.append(VAULT, changes(1, 10), ACCEPTED_AT);

    Head trusted = LogChain.emptyHead();
    List<LogEntry> page;
    while (!(page = store.read(VAULT, trusted.getSeq(), 3)).isEmpty()) {
      assertVerifies(trusted, page, VAULT);
      trusted = headOf(page.get(page.size() - 1));
    }
    assertEquals(store.head(VAULT), trusted);
  }

  @Test
  void read_otherVault_seesOnlyItsOwnLog() {
    store.registerVault(VAULT, device(1));
    store.registerVault(vaultId(2), device(1));
    store.append(VAULT, changes(1, 3), ACCEPTED_AT);

    assertEquals(List.of(), store.read(vaultId(2), 0, 10));
    assertEquals(LogChain.emptyHead(), store.head(vaultId(2)));
  }

  @Test
  void readHeadAndStoredBytes_unknownVault_throwUnknownVault() {
    assertThrows(UnknownVaultException.class, () -> store.read(VAULT, 0, 10));
    assertThrows(UnknownVaultException.class, () -> store.head(VAULT));
    assertThrows(UnknownVaultException.class, () -> store.storedBytes(VAULT));
  }

  @Test
  void read_invalidCursor_rejected() {
    store.registerVault(VAULT, device(1));

    assertThrows(IllegalArgumentException.class, () -> store.read(VAULT, -1, 10));
    assertThrows(IllegalArgumentException.class, () -> store.read(VAULT, 0, 0));
  }

  // ------------------------------------------------------------------------------ subscribe

  @Test
  void subscribe_append_notifiedWithNewHead() throws Exception {
    store.registerVault(VAULT, device(1));
    BlockingQueue<Appended> notices = new LinkedBlockingQueue<>();
    AutoCloseable subscription = store.subscribe(notices::add);

    List<LogEntry> entries = store.append(VAULT, changes(1, 3), ACCEPTED_AT);

    Appended notice = notices.poll(NOTICE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertTrue(notice != null, "no notice within " + NOTICE_TIMEOUT_SECONDS + " s");
    assertArrayEquals(VAULT, notice.vaultId());
    assertEquals(headOf(entries.get(2)), notice.head());

    subscription.close();
  }

  @Test
  void subscribe_retriedAppend_noNewHeadNoticed() throws Exception {
    store.registerVault(VAULT, device(1));
    store.registerVault(vaultId(2), device(1));
    store.append(VAULT, changes(1, 3), ACCEPTED_AT);
    BlockingQueue<Appended> notices = new LinkedBlockingQueue<>();
    AutoCloseable subscription = store.subscribe(notices::add);

    store.append(VAULT, changes(1, 3), ACCEPTED_AT);
    store.append(vaultId(2), changes(1, 1), ACCEPTED_AT); // a marker that follows

    Appended notice = notices.poll(NOTICE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertTrue(notice != null, "no notice within " + NOTICE_TIMEOUT_SECONDS + " s");
    assertArrayEquals(vaultId(2), notice.vaultId());

    subscription.close();
  }

  @Test
  void subscribe_closedSubscription_notCalledAgain() throws Exception {
    store.registerVault(VAULT, device(1));
    AtomicInteger closedCalls = new AtomicInteger();
    AutoCloseable closed = store.subscribe(notice -> closedCalls.incrementAndGet());
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch second = new CountDownLatch(2);
    AutoCloseable open =
        store.subscribe(
            notice -> {
              first.countDown();
              second.countDown();
            });
    store.append(VAULT, changes(1, 1), ACCEPTED_AT);
    assertTrue(first.await(NOTICE_TIMEOUT_SECONDS, TimeUnit.SECONDS), "no first notice");
    int callsWhileOpen = closedCalls.get();

    closed.close();
    store.append(VAULT, changes(2, 2), ACCEPTED_AT);

    assertTrue(second.await(NOTICE_TIMEOUT_SECONDS, TimeUnit.SECONDS), "no second notice");
    assertEquals(callsWhileOpen, closedCalls.get());
    open.close();
  }

  @Test
  void subscribe_failingListener_othersStillNotifiedAndAppendSucceeds() throws Exception {
    store.registerVault(VAULT, device(1));
    CountDownLatch notified = new CountDownLatch(1);
    store.subscribe(
        notice -> {
          throw new IllegalStateException("a broken subscriber");
        });
    store.subscribe(notice -> notified.countDown());

    store.append(VAULT, changes(1, 1), ACCEPTED_AT);

    assertTrue(notified.await(NOTICE_TIMEOUT_SECONDS, TimeUnit.SECONDS), "no notice");
  }

  // ------------------------------------------------------------------------------ concurrency

  /** Appends {@code perThread} single changes from each of {@code threads} threads at once. */
  static void appendConcurrently(List<SyncStore> stores, byte[] vaultId, int threads, int perThread)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        SyncStore through = stores.get(t % stores.size());
        long first = 1_000L * (t + 1);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (long n = first; n < first + perThread; n++) {
                    LogEntry entry =
                        through.append(vaultId, List.of(change(n)), ACCEPTED_AT).get(0);
                    assertEquals(change(n), entry.getChange());
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static void assertGaplessChainWithEachChangeOnce(
      List<LogEntry> all, byte[] vaultId, int expectedCount) {
    assertEquals(expectedCount, all.size());
    assertVerifies(LogChain.emptyHead(), all, vaultId);
    Set<ByteString> changeIds = new HashSet<>();
    for (LogEntry entry : all) {
      assertTrue(changeIds.add(entry.getChange().getChangeId()), "stored twice: " + entry);
    }
  }

  @Test
  void append_fromFourThreadsAtOnce_gaplessVerifiableChainWithEachChangeOnce() throws Exception {
    store.registerVault(VAULT, device(1));

    appendConcurrently(List.of(store), VAULT, 4, 50);

    List<LogEntry> all = readAll(store, VAULT);
    assertGaplessChainWithEachChangeOnce(all, VAULT, 200);
    assertEquals(headOf(all.get(199)), store.head(VAULT));
  }

  /**
   * A device retrying a push while the first attempt is still being stored: every attempt gets the
   * same entries and each change is stored once, whichever attempt's early chaining (before the
   * write lock) raced with which one's write.
   */
  @Test
  void append_sameBatchFromSixThreadsAtOnce_storedOnceAndEveryAttemptGetsTheSameEntries()
      throws Exception {
    store.registerVault(VAULT, device(1));
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        List<Change> batch = changes(1 + 10L * round, 10 + 10L * round);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<LogEntry>>> attempts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          attempts.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.append(VAULT, batch, ACCEPTED_AT);
                  }));
        }
        start.countDown();
        List<LogEntry> first = attempts.get(0).get(2, TimeUnit.MINUTES);
        for (Future<List<LogEntry>> attempt : attempts) {
          assertEquals(first, attempt.get(2, TimeUnit.MINUTES), "round " + round);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertGaplessChainWithEachChangeOnce(readAll(store, VAULT), VAULT, 200);
  }

  // ------------------------------------------------------------------------------ reopen

  @Test
  void reopen_afterClose_keepsVaultsDevicesLogAndChainContinues() {
    store.registerVault(VAULT, device(1));
    store.addDevice(VAULT, device(2));
    store.revokeDevice(VAULT, deviceId(2), 42);
    store.append(VAULT, changes(1, 5), ACCEPTED_AT);
    List<Device> devices = store.devices(VAULT);
    List<LogEntry> log = readAll(store, VAULT);
    Head head = store.head(VAULT);
    long bytes = store.storedBytes(VAULT);

    reopen(LIMITS);

    assertEquals(devices, store.devices(VAULT));
    assertEquals(log, readAll(store, VAULT));
    assertEquals(head, store.head(VAULT));
    assertEquals(bytes, store.storedBytes(VAULT));
    assertFalse(store.registerVault(VAULT, device(3)));
    assertEquals(log.subList(0, 2), store.append(VAULT, changes(1, 2), ACCEPTED_AT));
    List<LogEntry> more = store.append(VAULT, changes(6, 7), ACCEPTED_AT);
    assertVerifies(head, more, VAULT);
  }

  @Test
  void close_thenUse_fails() {
    store.registerVault(VAULT, device(1));
    store.close();

    assertThrows(IllegalStateException.class, () -> store.head(VAULT));
    assertThrows(
        IllegalStateException.class, () -> store.append(VAULT, changes(1, 1), ACCEPTED_AT));
    store.close(); // twice is harmless
    store = null;
  }
}
