package dev.memvault.server;

import static dev.memvault.server.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.BatchProof;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.ListDevicesRequest;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.proto.sync.v1.PullRequest;
import dev.memvault.proto.sync.v1.PullResponse;
import dev.memvault.proto.sync.v1.PushRequest;
import dev.memvault.proto.sync.v1.PushResponse;
import dev.memvault.protocol.ChangeBatches;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.protocol.LogChain;
import dev.memvault.server.limits.Limits;
import dev.memvault.server.store.EmbeddedSyncStore;
import dev.memvault.server.store.StoreException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SyncService over an in-process server: push, pull, devices, and what gets refused. */
class SyncGrpcServiceTest {
  @RegisterExtension final ServerFixture fixture = new ServerFixture();

  private final TestDevice device = TestDevice.newVault();

  @Test
  void pushThenPull_realKeys_entriesRoundTripWithVerifyingChain() throws Exception {
    String token = fixture.registered(device);
    List<Change> changes = device.changes(1, 3);

    PushResponse pushed = push(token, changes);

    assertEquals(3, pushed.getEntriesCount());
    for (int i = 0; i < 3; i++) {
      assertEquals(i + 1, pushed.getEntries(i).getSeq());
      assertEquals(changes.get(i), pushed.getEntries(i).getChange());
      assertEquals(fixture.clock.millis(), pushed.getEntries(i).getAcceptedAtMs());
    }
    assertEquals(3, pushed.getHead().getSeq());
    LogChain.verifyExtends(LogChain.emptyHead(), pushed.getEntriesList(), device.vaultId);

    List<PullResponse> pages = pull(token, 0, 0);
    assertEquals(1, pages.size());
    assertEquals(pushed.getEntriesList(), pages.get(0).getEntriesList());
    assertEquals(pushed.getHead(), pages.get(0).getHead());
    assertEquals(1, fixture.server().metrics().pushes());
  }

  @Test
  void push_sameChangesAgain_sameEntriesAndNoNewSeq() {
    String token = fixture.registered(device);
    PushResponse first = push(token, device.changes(1, 3));

    PushResponse again = push(token, device.changes(1, 3));
    PushResponse overlapping = push(token, device.changes(2, 4));

    assertEquals(first.getEntriesList(), again.getEntriesList());
    assertEquals(first.getHead(), again.getHead());
    assertEquals(first.getEntriesList().subList(1, 3), overlapping.getEntriesList().subList(0, 2));
    assertEquals(4, overlapping.getEntries(2).getSeq());
    assertEquals(4, overlapping.getHead().getSeq());
  }

  @Test
  void push_empty_returnsHead() {
    String token = fixture.registered(device);
    push(token, device.changes(1, 2));

    PushResponse empty = push(token, List.of());

    assertEquals(0, empty.getEntriesCount());
    assertEquals(2, empty.getHead().getSeq());
  }

  @Test
  void pull_pageSize_pagesUpToHeadAtCallTime() throws Exception {
    String token = fixture.registered(device);
    push(token, device.changes(1, 25));

    List<PullResponse> pages = pull(token, 0, 10);

    assertEquals(List.of(10, 10, 5), pages.stream().map(PullResponse::getEntriesCount).toList());
    List<LogEntry> all = new ArrayList<>();
    for (PullResponse page : pages) {
      assertEquals(25, page.getHead().getSeq());
      all.addAll(page.getEntriesList());
    }
    LogChain.verifyExtends(LogChain.emptyHead(), all, device.vaultId);
  }

  @Test
  void pull_afterSeq_onlyLaterEntriesExtendingThatHead() throws Exception {
    String token = fixture.registered(device);
    PushResponse first = push(token, device.changes(1, 4));
    push(token, device.changes(5, 9));

    List<PullResponse> pages = pull(token, 4, 3);

    List<LogEntry> later = new ArrayList<>();
    pages.forEach(page -> later.addAll(page.getEntriesList()));
    assertEquals(5, later.size());
    assertEquals(5, later.get(0).getSeq());
    LogChain.verifyExtends(first.getHead(), later, device.vaultId);
  }

  @Test
  void pull_stopsAtHeadOfCallTime_notLaterAppends() {
    String token = fixture.registered(device);
    push(token, device.changes(1, 6));
    Iterator<PullResponse> pages =
        fixture.sync(token).pull(PullRequest.newBuilder().setPageSize(2).build());

    PullResponse firstPage = pages.next();
    push(token, device.changes(7, 12));
    List<PullResponse> rest = new ArrayList<>();
    pages.forEachRemaining(rest::add);

    assertEquals(6, firstPage.getHead().getSeq());
    assertEquals(2, rest.size());
    assertEquals(6, rest.get(1).getEntries(1).getSeq());
  }

  @Test
  void pull_pageSizeOverMaximum_capped() {
    fixture.start(Limits.builder().maxPageSize(4).build());
    String token = fixture.registered(device);
    push(token, device.changes(1, 10));

    List<PullResponse> pages = pull(token, 0, 1000);

    assertEquals(List.of(4, 4, 2), pages.stream().map(PullResponse::getEntriesCount).toList());
  }

  @Test
  void pull_pageBytesLimit_pagesSplitButAtLeastOneEntry() {
    fixture.start(Limits.builder().maxPageBytes(2500).build());
    String token = fixture.registered(device);
    List<Change> changes = new ArrayList<>();
    for (int n = 1; n <= 6; n++) {
      changes.add(device.change(n, new byte[n == 3 ? 5000 : 1000]));
    }
    push(token, changes);

    List<PullResponse> pages = pull(token, 0, 100);

    // 1000-byte entries two to a page; the 5000-byte one alone, although over the limit.
    assertEquals(List.of(2, 1, 2, 1), pages.stream().map(PullResponse::getEntriesCount).toList());
  }

  @Test
  void pull_emptyLogOrCaughtUp_oneEmptyPageWithHead() {
    String token = fixture.registered(device);

    List<PullResponse> empty = pull(token, 0, 0);
    assertEquals(1, empty.size());
    assertEquals(LogChain.emptyHead(), empty.get(0).getHead());

    PushResponse pushed = push(token, device.changes(1, 2));
    List<PullResponse> caughtUp = pull(token, 2, 0);
    assertEquals(1, caughtUp.size());
    assertEquals(0, caughtUp.get(0).getEntriesCount());
    assertEquals(pushed.getHead(), caughtUp.get(0).getHead());
  }

  @Test
  void pull_afterSeqPast2To63_malformedRequest() {
    String token = fixture.registered(device);

    assertRejected(
        ErrorReason.MALFORMED_REQUEST,
        () ->
            fixture
                .sync(token)
                .pull(PullRequest.newBuilder().setAfterSeq(-1L).build())
                .forEachRemaining(page -> {}));
  }

  @Test
  void pull_otherVaultsToken_seesOnlyItsOwnVault() {
    String token = fixture.registered(device);
    push(token, device.changes(1, 3));
    TestDevice stranger = TestDevice.newVault();
    String strangerToken = fixture.registered(stranger);

    List<PullResponse> theirs = pull(strangerToken, 0, 0);

    assertEquals(0, theirs.get(0).getEntriesCount());
    assertEquals(0, theirs.get(0).getHead().getSeq());
  }

  @Test
  void push_changeNamingAnotherDevice_permissionDeniedAndNothingStored() {
    String token = fixture.registered(device);
    TestDevice sibling = device.sibling();
    fixture.store().addDevice(device.vaultId, sibling.registration(fixture.clock.millis()));

    // Signed by the sibling itself: only the session says who is pushing.
    assertRejected(
        ErrorReason.WRONG_DEVICE, () -> push(token, List.of(device.change(1), sibling.change(2))));

    assertEquals(0, push(token, List.of()).getHead().getSeq());
  }

  @Test
  void push_signatureBitFlipped_badChangeSignature() {
    String token = fixture.registered(device);
    Change change = device.change(1);
    byte[] signature = change.getSignature().toByteArray();
    signature[signature.length - 1] ^= 0x01;

    assertRejected(
        ErrorReason.BAD_CHANGE_SIGNATURE,
        () ->
            push(
                token,
                List.of(
                    device.change(2),
                    change.toBuilder().setSignature(ByteString.copyFrom(signature)).build())));
    assertEquals(0, push(token, List.of()).getHead().getSeq());
  }

  @Test
  void push_everyCoveredFieldChanged_badChangeSignature() {
    String token = fixture.registered(device);
    Change good = device.change(1);
    List<Change> tampered =
        List.of(
            good.toBuilder().setChangeId(ByteString.copyFrom(TestDevice.changeId(99))).build(),
            good.toBuilder().setRecordId(ByteString.copyFrom(new byte[16])).build(),
            good.toBuilder().setPayload(ByteString.copyFromUtf8("payload 2")).build(),
            good.toBuilder().setPayload(ByteString.EMPTY).build());

    for (Change change : tampered) {
      assertRejected(ErrorReason.BAD_CHANGE_SIGNATURE, () -> push(token, List.of(change)));
    }
  }

  @Test
  void push_signedForAnotherVault_badChangeSignature() {
    String token = fixture.registered(device);
    TestDevice otherVault = TestDevice.newVault();
    Change unsigned = device.unsigned(1, new byte[10]);
    List<Change> signedElsewhere =
        ChangeBatches.sign(otherVault.vaultId, device.device(), List.of(unsigned), device::sign);

    assertRejected(ErrorReason.BAD_CHANGE_SIGNATURE, () -> push(token, signedElsewhere));
    assertEquals(0, push(token, List.of()).getHead().getSeq());
  }

  @Test
  void push_batch_oneSignatureStandsOnEveryChangeAndPullReturnsTheProofs() {
    String token = fixture.registered(device);
    List<Change> batch = device.changes(1, 13);

    push(token, batch);

    List<LogEntry> pulled = pulledEntries(token);
    assertEquals(13, pulled.size());
    for (int i = 0; i < batch.size(); i++) {
      assertEquals(batch.get(i), pulled.get(i).getChange(), "entry " + (i + 1));
      assertEquals(batch.get(0).getSignature(), pulled.get(i).getChange().getSignature());
    }
  }

  @Test
  void push_idsOnly_entriesCarryTheirChangeIdAloneAndTheLogIsTheSame() {
    String token = fixture.registered(device);
    List<Change> batch = device.changes(1, 3);

    PushResponse response =
        fixture
            .sync(token)
            .push(PushRequest.newBuilder().addAllChanges(batch).setIdsOnly(true).build());

    List<LogEntry> stored = pulledEntries(token);
    assertEquals(3, response.getEntriesCount());
    for (int i = 0; i < 3; i++) {
      LogEntry acked = response.getEntries(i);
      assertEquals(
          Change.newBuilder().setChangeId(batch.get(i).getChangeId()).build(), acked.getChange());
      assertEquals(stored.get(i).getSeq(), acked.getSeq());
      assertEquals(stored.get(i).getEntryHash(), acked.getEntryHash());
      assertEquals(stored.get(i).getPrevHash(), acked.getPrevHash());
      assertEquals(batch.get(i), stored.get(i).getChange());
    }
    // Without the flag (and for a retry), the whole entry, change included.
    assertEquals(stored.get(1), push(token, List.of(batch.get(1))).getEntries(0));
  }

  @Test
  void push_batchProofAltered_badChangeSignatureAndNothingStored() {
    String token = fixture.registered(device);
    List<Change> batch = device.changes(1, 5);
    Change third = batch.get(2);
    BatchProof proof = third.getBatch();
    ByteString sibling = proof.getPath(0);
    byte[] flipped = sibling.toByteArray();
    flipped[0] ^= 0x01;
    List<BatchProof> altered =
        List.of(
            proof.toBuilder().setPath(0, ByteString.copyFrom(flipped)).build(),
            proof.toBuilder().setLeafIndex(3).build(),
            proof.toBuilder().setLeafCount(6).build(),
            proof.toBuilder().setLeafCount(0).build(),
            proof.toBuilder().setLeafIndex(7).build(),
            proof.toBuilder().addPath(sibling).build(),
            proof.toBuilder()
                .clearPath()
                .addAllPath(proof.getPathList().subList(0, proof.getPathCount() - 1))
                .build(),
            proof.toBuilder().setPath(0, sibling.substring(1)).build(),
            BatchProof.getDefaultInstance());

    for (BatchProof bad : altered) {
      List<Change> tampered = new ArrayList<>(batch);
      tampered.set(2, third.toBuilder().setBatch(bad).build());
      assertRejected(ErrorReason.BAD_CHANGE_SIGNATURE, () -> push(token, tampered));
    }
    assertEquals(0, push(token, List.of()).getHead().getSeq());
  }

  @Test
  void push_changeWithAnotherBatchsProof_badChangeSignature() {
    String token = fixture.registered(device);
    List<Change> first = device.changes(1, 4);
    List<Change> second = device.changes(5, 8);
    // The second batch's first change, carried under the first batch's signature and proof.
    Change spliced =
        second.get(0).toBuilder()
            .setSignature(first.get(0).getSignature())
            .setBatch(first.get(0).getBatch())
            .build();

    assertRejected(
        ErrorReason.BAD_CHANGE_SIGNATURE,
        () -> push(token, List.of(first.get(1), first.get(2), spliced)));
    assertEquals(0, push(token, List.of()).getHead().getSeq());
  }

  @Test
  void push_changesSignedOneByOne_acceptedAsFromOlderClients() {
    String token = fixture.registered(device);
    List<Change> alone =
        List.of(
            device.signedAlone(device.unsigned(1, new byte[3])),
            device.signedAlone(device.unsigned(2, new byte[4])));

    assertEquals(2, push(token, alone).getHead().getSeq());
    assertEquals(alone.get(1), pulledEntries(token).get(1).getChange());

    byte[] signature = alone.get(0).getSignature().toByteArray();
    signature[5] ^= 0x10;
    Change bad =
        device.signedAlone(device.unsigned(3, new byte[3])).toBuilder()
            .setSignature(ByteString.copyFrom(signature))
            .build();
    assertRejected(ErrorReason.BAD_CHANGE_SIGNATURE, () -> push(token, List.of(bad)));
  }

  @Test
  void push_malformedIds_malformedId() {
    String token = fixture.registered(device);
    Change good = device.change(1);

    for (Change bad :
        List.of(
            good.toBuilder().setChangeId(ByteString.copyFrom(new byte[15])).build(),
            good.toBuilder().setRecordId(ByteString.EMPTY).build(),
            good.toBuilder().setDeviceId(ByteString.copyFrom(new byte[17])).build())) {
      assertRejected(ErrorReason.MALFORMED_ID, () -> push(token, List.of(device.signed(bad))));
    }
  }

  @Test
  void listDevices_registeredAndRevoked_allListedWithRevocationTimes() {
    String token = fixture.registered(device);
    TestDevice sibling = device.sibling();
    fixture.store().addDevice(device.vaultId, sibling.registration(fixture.clock.millis()));
    fixture.store().revokeDevice(device.vaultId, sibling.deviceId, 42);

    var devices = fixture.sync(token).listDevices(ListDevicesRequest.getDefaultInstance());

    assertEquals(2, devices.getDevicesCount());
    assertEquals(device.device(), devices.getDevices(0).getDeviceId());
    assertEquals(0, devices.getDevices(0).getRevokedAtMs());
    assertEquals(sibling.device(), devices.getDevices(1).getDeviceId());
    assertEquals(42, devices.getDevices(1).getRevokedAtMs());
  }

  @Test
  void push_unexpectedFailure_internalWithFixedTextAndNoExceptionText() {
    FaultyStore store =
        new FaultyStore(
            EmbeddedSyncStore.open(fixture.newDirectory(), Limits.DEFAULTS.storeLimits()));
    fixture.start(store, fixture.defaults().build());
    String token = fixture.registered(device);
    String secretText = "sensitive-detail-" + ServerFixture.hex(TestDevice.randomId());
    store.failure = new IllegalStateException(secretText, new RuntimeException(secretText));

    StatusRuntimeException e =
        assertRejected(ErrorReason.INTERNAL, () -> push(token, device.changes(1, 1)));

    assertEquals("Internal server error.", e.getStatus().getDescription());
    assertNoTrace(e, secretText);
    assertNoTrace(e, "IllegalStateException");
  }

  @Test
  void push_storeFails_unavailableWithFixedTextAndNoExceptionText() {
    FaultyStore store =
        new FaultyStore(
            EmbeddedSyncStore.open(fixture.newDirectory(), Limits.DEFAULTS.storeLimits()));
    fixture.start(store, fixture.defaults().build());
    String token = fixture.registered(device);
    store.failure =
        new StoreException(
            "cannot append to a log in /very/secret/path",
            new SQLException("INSERT ... VALUES (payload bytes)", "08006"));

    StatusRuntimeException e =
        assertRejected(ErrorReason.STORE_UNAVAILABLE, () -> push(token, device.changes(1, 1)));

    assertNoTrace(e, "secret");
    assertNoTrace(e, "payload");
    assertNoTrace(e, "SQL");
  }

  /** Neither the description nor any trailer holds {@code text}. */
  private static void assertNoTrace(StatusRuntimeException e, String text) {
    Status status = e.getStatus();
    assertFalse(String.valueOf(status.getDescription()).contains(text));
    assertEquals(null, status.getCause(), "a client-side status has no server cause");
    Metadata trailers = e.getTrailers();
    for (String key : trailers.keys()) {
      if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (String value :
            trailers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
          assertFalse(value.contains(text), key + ": " + value);
        }
      }
    }
    assertTrue(trailers.containsKey(ErrorReason.TRAILER_KEY));
  }

  private PushResponse push(String token, List<Change> changes) {
    return fixture.sync(token).push(PushRequest.newBuilder().addAllChanges(changes).build());
  }

  private List<LogEntry> pulledEntries(String token) {
    return pull(token, 0, 0).stream().flatMap(page -> page.getEntriesList().stream()).toList();
  }

  private List<PullResponse> pull(String token, long afterSeq, int pageSize) {
    List<PullResponse> pages = new ArrayList<>();
    fixture
        .sync(token)
        .pull(PullRequest.newBuilder().setAfterSeq(afterSeq).setPageSize(pageSize).build())
        .forEachRemaining(pages::add);
    return pages;
  }

  static Head head(long seq, ByteString hash) {
    return Head.newBuilder().setSeq(seq).setEntryHash(hash).build();
  }
}
