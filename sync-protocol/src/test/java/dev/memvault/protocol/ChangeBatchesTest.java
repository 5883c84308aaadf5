package dev.memvault.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.v1.BatchProof;
import dev.memvault.proto.sync.v1.Change;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChangeBatchesTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] VAULT = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  private static final ByteString DEVICE = ByteString.fromHex("202122232425262728292a2b2c2d2e2f");
  private static final ByteString RECORD = ByteString.fromHex("303132333435363738393a3b3c3d3e3f");

  private static PublicKeySign signer;
  private static PublicKeyVerify verifier;
  private static PublicKeyVerify otherVerifier;

  @BeforeAll
  static void keys() throws GeneralSecurityException {
    SignatureConfig.register();
    KeysetHandle keys = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    signer = keys.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    verifier =
        keys.getPublicKeysetHandle()
            .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    otherVerifier =
        KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519)
            .getPublicKeysetHandle()
            .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
  }

  private static Change unsigned(int n) {
    return Change.newBuilder()
        .setChangeId(ByteString.copyFrom(ByteBuffer.allocate(16).putInt(12, n).array()))
        .setDeviceId(DEVICE)
        .setRecordId(RECORD)
        .setPayload(ByteString.copyFromUtf8("payload " + n))
        .build();
  }

  private static List<Change> batch(int from, int count) {
    List<Change> changes = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      changes.add(unsigned(n));
    }
    return ChangeBatches.sign(VAULT, DEVICE, changes, sign());
  }

  private static UnaryOperator<byte[]> sign() {
    return data -> {
      try {
        return signer.sign(data);
      } catch (GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    };
  }

  /** RFC 9162's MTH written out as the RFC states it, independently of the code under test. */
  private static byte[] referenceRoot(List<byte[]> leaves) throws Exception {
    if (leaves.size() == 1) {
      return leaves.get(0);
    }
    int k = 1;
    while (k * 2 < leaves.size()) {
      k *= 2;
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update((byte) 1);
    sha.update(referenceRoot(leaves.subList(0, k)));
    sha.update(referenceRoot(leaves.subList(k, leaves.size())));
    return sha.digest();
  }

  // Vectors read from sync-server/LOG_FORMAT.md, computed there with Python's hashlib.
  @Test
  void leafAndRoot_logFormatVectors_match() throws Exception {
    List<Change> changes = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] id = new byte[16];
      Arrays.fill(id, (byte) (0x10 + i));
      Change change =
          Change.newBuilder()
              .setChangeId(ByteString.copyFrom(id))
              .setDeviceId(DEVICE)
              .setRecordId(RECORD)
              .setPayload(ByteString.copyFromUtf8("payload " + i))
              .build();
      changes.add(change);
      leaves.add(ChangeBatches.leafHash(VAULT, change));
    }
    List<byte[]> signedInputs = new ArrayList<>();
    List<Change> signed =
        ChangeBatches.sign(
            VAULT,
            DEVICE,
            changes,
            data -> {
              signedInputs.add(data);
              return new byte[64];
            });

    assertEquals(
        LogFormatVectors.values("Test vectors", "leaf_hash (change 0)").get(0),
        HEX.formatHex(leaves.get(0)));
    assertEquals(
        LogFormatVectors.values("Test vectors", "root").get(0),
        HEX.formatHex(ChangeBatches.rootOf(VAULT, signed.get(1))));
    assertEquals(1, signedInputs.size());
    assertEquals(
        LogFormatVectors.values("Test vectors", "SHA-256(signed bytes)").get(0),
        HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(signedInputs.get(0))));
    assertEquals(
        List.of(ByteString.copyFrom(leaves.get(0)), ByteString.copyFrom(leaves.get(2))),
        signed.get(1).getBatch().getPathList());
  }

  @Test
  void leafHash_isSha256OfZeroAndTheChangesSigningInput() throws Exception {
    Change change = unsigned(7);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update((byte) 0);
    sha.update(SigningInputs.change(VAULT, change));

    assertArrayEquals(sha.digest(), ChangeBatches.leafHash(VAULT, change));
  }

  @Test
  void sign_everySizeUpTo70_everyChangeProvesTheReferenceRoot() throws Exception {
    for (int size = 1; size <= 70; size++) {
      List<Change> signed = batch(1000, size);
      List<byte[]> leaves = new ArrayList<>();
      for (Change change : signed) {
        leaves.add(ChangeBatches.leafHash(VAULT, change));
      }
      byte[] expected = referenceRoot(leaves);
      ChangeSignatureCheck check = new ChangeSignatureCheck(VAULT);
      for (int i = 0; i < size; i++) {
        Change change = signed.get(i);
        assertEquals(i, change.getBatch().getLeafIndex());
        assertEquals(size, change.getBatch().getLeafCount());
        assertArrayEquals(expected, ChangeBatches.rootOf(VAULT, change), size + "/" + i);
        assertDoesNotThrow(() -> check.verify(verifier, change));
        // Verified alone, without the batch's other changes, too.
        assertDoesNotThrow(() -> new ChangeSignatureCheck(VAULT).verify(verifier, change));
      }
      assertEquals(1, signed.stream().map(Change::getSignature).distinct().count());
    }
  }

  @Test
  void verify_anyOtherIndexOrCount_refused() {
    for (int size = 1; size <= 17; size++) {
      List<Change> signed = batch(0, size);
      for (Change change : signed) {
        BatchProof proof = change.getBatch();
        for (int i = 0; i <= size + 1; i++) {
          for (int c = 0; c <= size + 2; c++) {
            int index = i;
            int count = c;
            if (index == proof.getLeafIndex() && count == proof.getLeafCount()) {
              continue;
            }
            Change moved =
                change.toBuilder()
                    .setBatch(proof.toBuilder().setLeafIndex(index).setLeafCount(count))
                    .build();
            assertThrows(
                GeneralSecurityException.class,
                () -> new ChangeSignatureCheck(VAULT).verify(verifier, moved),
                () -> "index " + index + " count " + count + " for " + proof);
          }
        }
      }
    }
  }

  @Test
  void verify_everyBitOfPathPayloadOrSignatureFlipped_refused() {
    List<Change> signed = batch(0, 11);
    Change target = signed.get(6);
    int tried = 0;
    for (int p = 0; p < target.getBatch().getPathCount(); p++) {
      for (int bit = 0; bit < ChangeBatches.HASH_LENGTH * 8; bit++) {
        Change flipped =
            target.toBuilder()
                .setBatch(
                    target.getBatch().toBuilder()
                        .setPath(p, flip(target.getBatch().getPath(p), bit)))
                .build();
        assertRefusedAfterItsBatch(signed, flipped);
        tried++;
      }
    }
    for (int bit = 0; bit < target.getPayload().size() * 8; bit++) {
      assertRefusedAfterItsBatch(
          signed, target.toBuilder().setPayload(flip(target.getPayload(), bit)).build());
      tried++;
    }
    for (int bit = 0; bit < target.getSignature().size() * 8; bit++) {
      assertRefusedAfterItsBatch(
          signed, target.toBuilder().setSignature(flip(target.getSignature(), bit)).build());
      tried++;
    }
    assertTrue(tried > 1500, tried + " flips");
  }

  /** Refused even by a check that has just verified the rest of the batch (the remembered one). */
  private static void assertRefusedAfterItsBatch(List<Change> batch, Change tampered) {
    ChangeSignatureCheck check = new ChangeSignatureCheck(VAULT);
    for (Change change : batch) {
      assertDoesNotThrow(() -> check.verify(verifier, change));
    }
    assertThrows(GeneralSecurityException.class, () -> check.verify(verifier, tampered));
  }

  @Test
  void verify_pathOneHashTooLongOrTooShortOrMisSized_refused() {
    Change change = batch(0, 6).get(4);
    BatchProof proof = change.getBatch();
    List<BatchProof> malformed =
        List.of(
            proof.toBuilder().addPath(proof.getPath(0)).build(),
            proof.toBuilder().clearPath().addAllPath(proof.getPathList().subList(1, 2)).build(),
            proof.toBuilder().clearPath().build(),
            proof.toBuilder()
                .setPath(0, proof.getPath(0).concat(ByteString.copyFrom(new byte[1])))
                .build());

    for (BatchProof bad : malformed) {
      Change tampered = change.toBuilder().setBatch(bad).build();
      assertThrows(
          GeneralSecurityException.class,
          () -> new ChangeSignatureCheck(VAULT).verify(verifier, tampered),
          bad::toString);
    }
  }

  @Test
  void verify_changeOfAnotherBatchUnderThisBatchsSignatureAndProof_refused() {
    List<Change> first = batch(0, 4);
    Change other = batch(4, 4).get(0);
    Change spliced =
        other.toBuilder()
            .setSignature(first.get(0).getSignature())
            .setBatch(first.get(0).getBatch())
            .build();

    assertRefusedAfterItsBatch(first, spliced);
  }

  @Test
  void verify_otherKeyOrOtherVault_refusedEvenRightAfterTheRightOne() {
    Change change = batch(0, 3).get(1);
    ChangeSignatureCheck check = new ChangeSignatureCheck(VAULT);
    assertDoesNotThrow(() -> check.verify(verifier, change));

    assertThrows(GeneralSecurityException.class, () -> check.verify(otherVerifier, change));
    assertThrows(
        GeneralSecurityException.class,
        () -> new ChangeSignatureCheck(new byte[16]).verify(verifier, change));
  }

  @Test
  void verify_changeSignedAlone_checkedAgainstItsOwnSigningInput() throws Exception {
    Change unsigned = unsigned(3);
    Change alone =
        unsigned.toBuilder()
            .setSignature(ByteString.copyFrom(signer.sign(SigningInputs.change(VAULT, unsigned))))
            .build();

    assertDoesNotThrow(() -> new ChangeSignatureCheck(VAULT).verify(verifier, alone));
    Change altered = alone.toBuilder().setPayload(ByteString.copyFromUtf8("payload 4")).build();
    assertThrows(
        GeneralSecurityException.class,
        () -> new ChangeSignatureCheck(VAULT).verify(verifier, altered));
  }

  @Test
  void sign_changeByAnotherDevice_refusedAndEmptyBatchIsEmpty() {
    Change foreign = unsigned(1).toBuilder().setDeviceId(ByteString.copyFrom(new byte[16])).build();

    assertThrows(
        IllegalArgumentException.class,
        () -> ChangeBatches.sign(VAULT, DEVICE, List.of(unsigned(0), foreign), sign()));
    assertEquals(List.of(), ChangeBatches.sign(VAULT, DEVICE, List.of(), sign()));
  }

  @Test
  void verifyAll_wholeBatch_checksOneSignatureAndRefusesAnyPathBitFlipped() throws Exception {
    List<Change> signed = batch(0, 37);
    CountingVerifier counting = new CountingVerifier(verifier);

    new ChangeSignatureCheck(VAULT).verifyAll(counting, signed);
    assertEquals(1, counting.calls);

    // A path that differs from the tree's is refused, though the tree's root would verify.
    for (int i : new int[] {0, 18, 36}) {
      Change target = signed.get(i);
      for (int p = 0; p < target.getBatch().getPathCount(); p++) {
        List<Change> tampered = new ArrayList<>(signed);
        tampered.set(
            i,
            target.toBuilder()
                .setBatch(
                    target.getBatch().toBuilder()
                        .setPath(p, flip(target.getBatch().getPath(p), 77)))
                .build());
        assertThrows(
            GeneralSecurityException.class,
            () -> new ChangeSignatureCheck(VAULT).verifyAll(verifier, tampered),
            i + "/" + p);
      }
    }
  }

  /**
   * Seeded, randomized: verifyAll and verify on each change agree on whole batches, parts of
   * batches, reordered, concatenated and tampered ones.
   */
  @Test
  void verifyAll_acceptsExactlyWhatVerifyingEachChangeAccepts() {
    long seed = System.nanoTime();
    java.util.Random random = new java.util.Random(seed);
    int accepted = 0;
    int refused = 0;
    for (int round = 0; round < 400; round++) {
      List<Change> changes = randomChanges(random);
      boolean eachVerifies = true;
      for (Change change : changes) {
        try {
          new ChangeSignatureCheck(VAULT).verify(verifier, change);
        } catch (GeneralSecurityException e) {
          eachVerifies = false;
        }
      }
      boolean allVerify = true;
      try {
        new ChangeSignatureCheck(VAULT).verifyAll(verifier, changes);
      } catch (GeneralSecurityException e) {
        allVerify = false;
      }
      assertEquals(eachVerifies, allVerify, "seed " + seed + ", round " + round);
      if (allVerify) {
        accepted++;
      } else {
        refused++;
      }
    }
    // Both outcomes were exercised, or the comparison above proved little.
    assertTrue(accepted > 50 && refused > 50, "seed " + seed + ": " + accepted + "/" + refused);
  }

  private static List<Change> randomChanges(java.util.Random random) {
    int size = 1 + random.nextInt(70);
    List<Change> changes = new ArrayList<>(batch(random.nextInt(10_000), size));
    switch (random.nextInt(8)) {
      case 0 -> {} // a whole batch, untouched
      case 1 -> { // part of a batch, as a pull page may hold
        int from = random.nextInt(size);
        changes = new ArrayList<>(changes.subList(from, from + 1 + random.nextInt(size - from)));
      }
      case 2 -> Collections.swap(changes, random.nextInt(size), random.nextInt(size));
      case 3 -> changes.addAll(batch(20_000 + random.nextInt(10_000), 1 + random.nextInt(20)));
      case 4 -> { // a bit flipped in a path, a payload or a signature
        int i = random.nextInt(size);
        Change change = changes.get(i);
        Change.Builder tampered = change.toBuilder();
        int what = random.nextInt(3);
        if (what == 0 && change.getBatch().getPathCount() > 0) {
          int p = random.nextInt(change.getBatch().getPathCount());
          tampered.setBatch(
              change.getBatch().toBuilder()
                  .setPath(p, flip(change.getBatch().getPath(p), random.nextInt(256))));
        } else if (what == 1) {
          int bit = random.nextInt(change.getPayload().size() * 8);
          tampered.setPayload(flip(change.getPayload(), bit));
        } else {
          tampered.setSignature(flip(change.getSignature(), random.nextInt(512)));
        }
        changes.set(i, tampered.build());
      }
      case 5 -> { // another index or count
        int i = random.nextInt(size);
        Change change = changes.get(i);
        changes.set(
            i,
            change.toBuilder()
                .setBatch(
                    change.getBatch().toBuilder()
                        .setLeafIndex(random.nextInt(size + 2))
                        .setLeafCount(random.nextInt(size + 2)))
                .build());
      }
      case 6 -> { // another change's path
        int i = random.nextInt(size);
        int j = random.nextInt(size);
        changes.set(
            i,
            changes.get(i).toBuilder()
                .setBatch(
                    changes.get(i).getBatch().toBuilder()
                        .clearPath()
                        .addAllPath(changes.get(j).getBatch().getPathList()))
                .build());
      }
      default -> changes.remove(random.nextInt(size)); // one missing: the rest still verify
    }
    return changes;
  }

  /** Counts signature checks. */
  private static final class CountingVerifier implements PublicKeyVerify {
    private final PublicKeyVerify inner;
    int calls;

    CountingVerifier(PublicKeyVerify inner) {
      this.inner = inner;
    }

    @Override
    public void verify(byte[] signature, byte[] data) throws GeneralSecurityException {
      calls++;
      inner.verify(signature, data);
    }
  }

  private static ByteString flip(ByteString bytes, int bit) {
    byte[] copy = bytes.toByteArray();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return ByteString.copyFrom(copy);
  }
}
