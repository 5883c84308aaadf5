package dev.memvault.protocol;

import static dev.memvault.protocol.LogFixtures.change;
import static dev.memvault.protocol.LogFixtures.vaultId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.BatchProof;
import dev.memvault.proto.sync.v1.Change;
import dev.memvault.proto.sync.v1.Head;
import dev.memvault.proto.sync.v1.LogEntry;
import dev.memvault.protocol.LogChain.BrokenChainException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class LogChainTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] VAULT = vaultId(1);

  /** A well-formed log of {@code count} entries, built with the function under test. */
  private static List<LogEntry> chain(byte[] vaultId, int count) {
    List<LogEntry> entries = new ArrayList<>();
    byte[] prev = LogChain.genesisHash();
    for (int seq = 1; seq <= count; seq++) {
      Change change = change(seq);
      byte[] hash = LogChain.entryHash(vaultId, seq, prev, change);
      entries.add(
          LogEntry.newBuilder()
              .setSeq(seq)
              .setPrevHash(ByteString.copyFrom(prev))
              .setEntryHash(ByteString.copyFrom(hash))
              .setChange(change)
              .build());
      prev = hash;
    }
    return entries;
  }

  private static Head headOf(LogEntry entry) {
    return Head.newBuilder().setSeq(entry.getSeq()).setEntryHash(entry.getEntryHash()).build();
  }

  // Vectors read from sync-server/LOG_FORMAT.md, computed there with Python's hashlib.
  @Test
  void entryHash_logFormatVectors_match() {
    byte[] vault = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    byte[] device = HEX.parseHex("202122232425262728292a2b2c2d2e2f");
    byte[] record = HEX.parseHex("303132333435363738393a3b3c3d3e3f");
    byte[] signature = new byte[64];
    Arrays.fill(signature, (byte) 0x5a);
    Change first =
        Change.newBuilder()
            .setChangeId(ByteString.fromHex("101112131415161718191a1b1c1d1e1f"))
            .setDeviceId(ByteString.copyFrom(device))
            .setRecordId(ByteString.copyFrom(record))
            .setPayload(ByteString.copyFromUtf8("first payload"))
            .setSignature(ByteString.copyFrom(signature))
            .build();
    Change second =
        Change.newBuilder()
            .setChangeId(ByteString.fromHex("404142434445464748494a4b4c4d4e4f"))
            .setDeviceId(ByteString.copyFrom(device))
            .setRecordId(ByteString.copyFrom(record))
            .build();

    byte[] firstHash = LogChain.entryHash(vault, 1, LogChain.genesisHash(), first);
    byte[] secondHash = LogChain.entryHash(vault, 2, firstHash, second);

    List<String> printed = LogFormatVectors.values("Test vectors", "entry_hash");
    assertEquals(printed.get(0), HEX.formatHex(firstHash));
    assertEquals(printed.get(1), HEX.formatHex(secondHash));
  }

  // The batch vector of sync-server/LOG_FORMAT.md: change 1 of a batch of three, as entry 1.
  @Test
  void entryHash_batchEntryVector_matches() {
    List<ByteString> leaves = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] id = new byte[16];
      Arrays.fill(id, (byte) (0x10 + i));
      leaves.add(
          ByteString.copyFrom(
              ChangeBatches.leafHash(
                  HEX.parseHex("000102030405060708090a0b0c0d0e0f"),
                  Change.newBuilder()
                      .setChangeId(ByteString.copyFrom(id))
                      .setDeviceId(ByteString.fromHex("202122232425262728292a2b2c2d2e2f"))
                      .setRecordId(ByteString.fromHex("303132333435363738393a3b3c3d3e3f"))
                      .setPayload(ByteString.copyFromUtf8("payload " + i))
                      .build())));
    }
    byte[] signature = new byte[64];
    Arrays.fill(signature, (byte) 0x5a);
    byte[] id = new byte[16];
    Arrays.fill(id, (byte) 0x11);
    Change change =
        Change.newBuilder()
            .setChangeId(ByteString.copyFrom(id))
            .setDeviceId(ByteString.fromHex("202122232425262728292a2b2c2d2e2f"))
            .setRecordId(ByteString.fromHex("303132333435363738393a3b3c3d3e3f"))
            .setPayload(ByteString.copyFromUtf8("payload 1"))
            .setSignature(ByteString.copyFrom(signature))
            .setBatch(
                BatchProof.newBuilder()
                    .setLeafIndex(1)
                    .setLeafCount(3)
                    .addPath(leaves.get(0))
                    .addPath(leaves.get(2)))
            .build();

    assertEquals(
        LogFormatVectors.values("Test vectors", "entry_hash").get(2),
        HEX.formatHex(
            LogChain.entryHash(
                HEX.parseHex("000102030405060708090a0b0c0d0e0f"),
                1,
                LogChain.genesisHash(),
                change)));
  }

  @Test
  void verifyExtends_batchProofAltered_refused() {
    Change change =
        change(2).toBuilder()
            .setBatch(
                BatchProof.newBuilder()
                    .setLeafIndex(1)
                    .setLeafCount(2)
                    .addPath(ByteString.copyFrom(new byte[32])))
            .build();
    byte[] hash = LogChain.entryHash(VAULT, 1, LogChain.genesisHash(), change);
    LogEntry entry =
        LogEntry.newBuilder()
            .setSeq(1)
            .setPrevHash(ByteString.copyFrom(LogChain.genesisHash()))
            .setEntryHash(ByteString.copyFrom(hash))
            .setChange(change)
            .build();
    assertDoesNotThrow(() -> LogChain.verifyExtends(LogChain.emptyHead(), List.of(entry), VAULT));

    List<BatchProof> altered =
        List.of(
            change.getBatch().toBuilder().setLeafIndex(0).build(),
            change.getBatch().toBuilder().setLeafCount(3).build(),
            change.getBatch().toBuilder().setPath(0, ByteString.copyFrom(new byte[31])).build(),
            change.getBatch().toBuilder().addPath(ByteString.copyFrom(new byte[32])).build());
    for (BatchProof proof : altered) {
      LogEntry tampered = entry.toBuilder().setChange(change.toBuilder().setBatch(proof)).build();
      assertThrows(
          BrokenChainException.class,
          () -> LogChain.verifyExtends(LogChain.emptyHead(), List.of(tampered), VAULT),
          proof::toString);
    }
    // A change signed alone has the entry hash it had before batch proofs existed.
    LogEntry withoutProof = entry.toBuilder().setChange(change.toBuilder().clearBatch()).build();
    assertThrows(
        BrokenChainException.class,
        () -> LogChain.verifyExtends(LogChain.emptyHead(), List.of(withoutProof), VAULT));
  }

  @Test
  void genesisHash_is32ZeroBytesAndEmptyHeadUsesIt() {
    assertArrayEquals(new byte[32], LogChain.genesisHash());
    assertEquals(0, LogChain.emptyHead().getSeq());
    assertArrayEquals(new byte[32], LogChain.emptyHead().getEntryHash().toByteArray());
  }

  @Test
  void entryHash_movingBytesBetweenFields_changesHash() {
    Change change = change(1);
    Change shifted =
        change.toBuilder()
            .setPayload(change.getPayload().concat(change.getSignature().substring(0, 1)))
            .setSignature(change.getSignature().substring(1))
            .build();

    assertTrue(
        !Arrays.equals(
            LogChain.entryHash(VAULT, 1, LogChain.genesisHash(), change),
            LogChain.entryHash(VAULT, 1, LogChain.genesisHash(), shifted)));
  }

  @Test
  void verifyExtends_wholeChainFromEmptyHead_passes() {
    assertDoesNotThrow(() -> LogChain.verifyExtends(LogChain.emptyHead(), chain(VAULT, 5), VAULT));
  }

  @Test
  void verifyExtends_restFromEveryHead_passes() {
    List<LogEntry> entries = chain(VAULT, 5);
    for (int i = 0; i < entries.size(); i++) {
      List<LogEntry> rest = entries.subList(i + 1, entries.size());
      Head trusted = headOf(entries.get(i));
      assertDoesNotThrow(() -> LogChain.verifyExtends(trusted, rest, VAULT));
    }
  }

  @Test
  void verifyExtends_noEntries_passes() {
    assertDoesNotThrow(() -> LogChain.verifyExtends(LogChain.emptyHead(), List.of(), VAULT));
  }

  @Test
  void verifyExtends_seqGap_rejectedNamingSeq() {
    List<LogEntry> entries = new ArrayList<>(chain(VAULT, 5));
    entries.remove(2);

    BrokenChainException e =
        assertThrows(
            BrokenChainException.class,
            () -> LogChain.verifyExtends(LogChain.emptyHead(), entries, VAULT));
    assertTrue(e.getMessage().contains("seq 3 but got seq 4"), e.getMessage());
  }

  @Test
  void verifyExtends_entriesNotStartingAfterTrustedHead_rejected() {
    List<LogEntry> entries = chain(VAULT, 5);

    assertThrows(
        BrokenChainException.class,
        () -> LogChain.verifyExtends(headOf(entries.get(0)), entries.subList(2, 5), VAULT));
    assertThrows(
        BrokenChainException.class,
        () -> LogChain.verifyExtends(headOf(entries.get(2)), entries.subList(2, 5), VAULT));
  }

  @Test
  void verifyExtends_rolledBackToOlderHead_rejected() {
    List<LogEntry> entries = chain(VAULT, 5);

    assertThrows(
        BrokenChainException.class,
        () -> LogChain.verifyExtends(headOf(entries.get(4)), entries.subList(0, 2), VAULT));
  }

  @Test
  void verifyExtends_forkNotFromTrustedHead_rejected() {
    List<LogEntry> ours = chain(VAULT, 3);
    // Another history with the same seqs: entry 2 differs, so entry 3's prev_hash does too.
    List<LogEntry> fork = new ArrayList<>();
    byte[] prev = ours.get(0).getEntryHash().toByteArray();
    for (int seq = 2; seq <= 3; seq++) {
      Change change = change(100 + seq);
      byte[] hash = LogChain.entryHash(VAULT, seq, prev, change);
      fork.add(
          LogEntry.newBuilder()
              .setSeq(seq)
              .setPrevHash(ByteString.copyFrom(prev))
              .setEntryHash(ByteString.copyFrom(hash))
              .setChange(change)
              .build());
      prev = hash;
    }

    BrokenChainException e =
        assertThrows(
            BrokenChainException.class,
            () -> LogChain.verifyExtends(headOf(ours.get(1)), fork.subList(1, 2), VAULT));
    assertTrue(e.getMessage().contains("prev_hash"), e.getMessage());
  }

  @Test
  void verifyExtends_entriesOfOtherVault_rejected() {
    List<LogEntry> entries = chain(vaultId(2), 3);

    BrokenChainException e =
        assertThrows(
            BrokenChainException.class,
            () -> LogChain.verifyExtends(LogChain.emptyHead(), entries, VAULT));
    assertTrue(e.getMessage().contains("entry_hash"), e.getMessage());
  }

  /** Every bit of every hashed field and of both hashes, flipped in entry 2 of 3. */
  @Test
  void verifyExtends_anyBitFlipped_rejected() {
    List<BiFunction<LogEntry, Integer, LogEntry>> flips = new ArrayList<>();
    flips.add((e, bit) -> e.toBuilder().setPrevHash(flip(e.getPrevHash(), bit)).build());
    flips.add((e, bit) -> e.toBuilder().setEntryHash(flip(e.getEntryHash(), bit)).build());
    flips.add(
        (e, bit) ->
            e.toBuilder()
                .setChange(
                    e.getChange().toBuilder().setChangeId(flip(e.getChange().getChangeId(), bit)))
                .build());
    flips.add(
        (e, bit) ->
            e.toBuilder()
                .setChange(
                    e.getChange().toBuilder().setDeviceId(flip(e.getChange().getDeviceId(), bit)))
                .build());
    flips.add(
        (e, bit) ->
            e.toBuilder()
                .setChange(
                    e.getChange().toBuilder().setRecordId(flip(e.getChange().getRecordId(), bit)))
                .build());
    flips.add(
        (e, bit) ->
            e.toBuilder()
                .setChange(
                    e.getChange().toBuilder().setPayload(flip(e.getChange().getPayload(), bit)))
                .build());
    flips.add(
        (e, bit) ->
            e.toBuilder()
                .setChange(
                    e.getChange().toBuilder().setSignature(flip(e.getChange().getSignature(), bit)))
                .build());
    List<LogEntry> entries = chain(VAULT, 3);
    LogEntry target = entries.get(1);
    int[] bitsPerFlip = {
      32 * 8,
      32 * 8,
      16 * 8,
      16 * 8,
      16 * 8,
      target.getChange().getPayload().size() * 8,
      target.getChange().getSignature().size() * 8
    };
    int tried = 0;
    for (int f = 0; f < flips.size(); f++) {
      for (int bit = 0; bit < bitsPerFlip[f]; bit++) {
        List<LogEntry> tampered = new ArrayList<>(entries);
        tampered.set(1, flips.get(f).apply(target, bit));
        int field = f;
        int flipped = bit;
        assertThrows(
            BrokenChainException.class,
            () -> LogChain.verifyExtends(LogChain.emptyHead(), tampered, VAULT),
            () -> "field " + field + " bit " + flipped);
        tried++;
      }
    }
    assertTrue(tried > 1000, tried + " flips");
  }

  @Test
  void verifyExtends_seqAltered_rejected() {
    List<LogEntry> entries = new ArrayList<>(chain(VAULT, 3));
    entries.set(2, entries.get(2).toBuilder().setSeq(1L << 40).build());

    assertThrows(
        BrokenChainException.class,
        () -> LogChain.verifyExtends(LogChain.emptyHead(), entries, VAULT));
  }

  @Test
  void verifyExtends_malformedTrustedHead_isCallersError() {
    Head shortHash =
        Head.newBuilder().setSeq(3).setEntryHash(ByteString.copyFrom(new byte[31])).build();
    Head emptyButNonZero =
        Head.newBuilder()
            .setSeq(0)
            .setEntryHash(
                ByteString.copyFrom(new byte[] {1}).concat(ByteString.copyFrom(new byte[31])))
            .build();

    assertThrows(
        IllegalArgumentException.class, () -> LogChain.verifyExtends(shortHash, List.of(), VAULT));
    assertThrows(
        IllegalArgumentException.class,
        () -> LogChain.verifyExtends(emptyButNonZero, List.of(), VAULT));
  }

  private static ByteString flip(ByteString bytes, int bit) {
    byte[] flipped = bytes.toByteArray();
    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
    return ByteString.copyFrom(flipped);
  }
}
