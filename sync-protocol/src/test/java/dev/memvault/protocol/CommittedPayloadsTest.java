package dev.memvault.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.BatchProof;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.LogEntry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed-payload form: known answers computed with Python's hashlib from
 * sync-server/LOG_FORMAT.md ("Committed payloads"), and the rules a change of either form must
 * keep.
 */
class CommittedPayloadsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] VAULT = HEX.parseHex("000102030405060708090a0b0c0d0e0f");

  /** The vector's change: one leaf, supersedes_through 7, signature 64 bytes of 5a. */
  private static Change vectorChange() {
    byte[] signature = new byte[64];
    Arrays.fill(signature, (byte) 0x5a);
    Change unsigned =
        Change.newBuilder()
            .setChangeId(bytes("101112131415161718191a1b1c1d1e1f"))
            .setDeviceId(bytes("202122232425262728292a2b2c2d2e2f"))
            .setRecordId(bytes("303132333435363738393a3b3c3d3e3f"))
            .setPayload(ByteString.copyFrom("first payload", StandardCharsets.US_ASCII))
            .build();
    return CommittedPayloads.commit(unsigned, 7).toBuilder()
        .setSignature(ByteString.copyFrom(signature))
        .setBatch(BatchProof.newBuilder().setLeafIndex(0).setLeafCount(1))
        .build();
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HEX.parseHex(hex));
  }

  private static LogEntry firstEntry(Change change) {
    byte[] hash = LogChain.entryHash(VAULT, 1, LogChain.genesisHash(), change);
    return LogEntry.newBuilder()
        .setSeq(1)
        .setPrevHash(ByteString.copyFrom(LogChain.genesisHash()))
        .setEntryHash(ByteString.copyFrom(hash))
        .setChange(change)
        .build();
  }

  @Test
  void hashes_knownAnswers_matchTheIndependentComputation() {
    Change change = vectorChange();

    String section = "Committed payloads";
    assertEquals(
        LogFormatVectors.values(section, "payload_hash").get(0),
        HEX.formatHex(change.getPayloadHash().toByteArray()));
    assertEquals(
        LogFormatVectors.values(section, "leaf_hash").get(0),
        HEX.formatHex(ChangeBatches.leafHash(VAULT, change)));
    assertEquals(
        LogFormatVectors.values(section, "entry_hash").get(0),
        HEX.formatHex(LogChain.entryHash(VAULT, 1, LogChain.genesisHash(), change)));
  }

  @Test
  void entryHash_payloadDropped_unchangedAndStillVerifies() throws Exception {
    Change change = vectorChange();
    Change dropped = CommittedPayloads.withoutPayload(change);

    assertArrayEquals(
        LogChain.entryHash(VAULT, 1, LogChain.genesisHash(), change),
        LogChain.entryHash(VAULT, 1, LogChain.genesisHash(), dropped));
    assertArrayEquals(
        ChangeBatches.leafHash(VAULT, change), ChangeBatches.leafHash(VAULT, dropped));
    assertTrue(CommittedPayloads.isDropped(dropped));
    LogEntry entry = firstEntry(change).toBuilder().setChange(dropped).build();
    LogChain.verifyExtends(LogChain.emptyHead(), List.of(entry), VAULT);
  }

  @Test
  void verifyExtends_payloadSwappedUnderItsHash_refused() {
    LogEntry entry = firstEntry(vectorChange());
    Change swapped =
        entry.getChange().toBuilder()
            .setPayload(ByteString.copyFrom("other payload", StandardCharsets.US_ASCII))
            .build();

    LogChain.BrokenChainException e =
        assertThrows(
            LogChain.BrokenChainException.class,
            () ->
                LogChain.verifyExtends(
                    LogChain.emptyHead(),
                    List.of(entry.toBuilder().setChange(swapped).build()),
                    VAULT));

    assertTrue(e.getMessage().contains("does not match its payload_hash"), e.getMessage());
  }

  @Test
  void check_supersedesThroughWithoutPayloadHash_refused() {
    Change olderForm = vectorChange().toBuilder().clearPayloadHash().build();

    GeneralSecurityException e =
        assertThrows(GeneralSecurityException.class, () -> CommittedPayloads.check(olderForm));

    assertTrue(e.getMessage().contains("does not sign it"), e.getMessage());
    passes(olderForm.toBuilder().setSupersedesThrough(0).build());
  }

  @Test
  void check_committedWithoutBatchOrWithShortHash_refused() {
    assertThrows(
        GeneralSecurityException.class,
        () -> CommittedPayloads.check(vectorChange().toBuilder().clearBatch().build()));
    assertThrows(
        GeneralSecurityException.class,
        () ->
            CommittedPayloads.check(
                vectorChange().toBuilder()
                    .setPayloadHash(ByteString.copyFrom(new byte[31]))
                    .build()));
    passes(vectorChange());
  }

  private static void passes(Change change) {
    try {
      CommittedPayloads.check(change);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("refused a valid change: " + e.getMessage(), e);
    }
  }
}
