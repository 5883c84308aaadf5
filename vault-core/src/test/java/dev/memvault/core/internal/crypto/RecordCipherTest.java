package dev.memvault.core.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.testing.Seeds;
import dev.memvault.proto.v1.Kind;
import dev.memvault.proto.v1.Memory;
import dev.memvault.proto.v1.RecordEnvelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class RecordCipherTest {
  private static final byte[] VAULT_ID = bytes(16, 0x11);
  private static final byte[] SCOPE_ID = bytes(16, 0x22);
  private static final byte[] RECORD_ID = bytes(16, 0x33);
  private static final byte[] DEVICE_ID = bytes(16, 0x44);
  private static final long REVISION = 7;
  private static final byte[] MEMORY =
      "the boat leaves Stromness at 09:15".getBytes(StandardCharsets.UTF_8);

  private final Aead aead = ScopeKeyset.generate().aead();

  private RecordEnvelope sealed() throws GeneralSecurityException {
    return RecordCipher.seal(
        aead, new RecordAddress(VAULT_ID, SCOPE_ID, RECORD_ID, REVISION, DEVICE_ID), MEMORY);
  }

  private byte[] open(RecordEnvelope envelope) throws GeneralSecurityException {
    return RecordCipher.open(aead, envelope, VAULT_ID, RECORD_ID, REVISION);
  }

  @Test
  void sealThenOpen_sameAddress_returnsMemory() throws Exception {
    RecordEnvelope envelope = sealed();

    assertArrayEquals(MEMORY, open(envelope));
    assertEquals(RecordCipher.FORMAT_VERSION, envelope.getFormatVersion());
    assertArrayEquals(VAULT_ID, envelope.getVaultId().toByteArray());
    assertArrayEquals(SCOPE_ID, envelope.getScopeId().toByteArray());
    assertArrayEquals(RECORD_ID, envelope.getRecordId().toByteArray());
    assertEquals(REVISION, envelope.getRevision());
    assertArrayEquals(DEVICE_ID, envelope.getAuthorDeviceId().toByteArray());
  }

  @Test
  void seal_sameInputTwice_givesDifferentCiphertexts() throws Exception {
    assertNotEquals(sealed().getCiphertext(), sealed().getCiphertext());
  }

  @Test
  void seal_ciphertext_doesNotContainPlaintext() throws Exception {
    String ciphertext =
        new String(sealed().getCiphertext().toByteArray(), StandardCharsets.ISO_8859_1);
    assertFalse(ciphertext.contains("Stromness"));
  }

  @Test
  void open_everyCiphertextBitFlipped_rejected() throws Exception {
    RecordEnvelope envelope = sealed();
    byte[] ciphertext = envelope.getCiphertext().toByteArray();
    for (int bit = 0; bit < ciphertext.length * 8; bit++) {
      byte[] flipped = flipBit(ciphertext, bit);
      RecordEnvelope tampered =
          envelope.toBuilder().setCiphertext(ByteString.copyFrom(flipped)).build();
      int b = bit;
      GeneralSecurityException e =
          assertThrows(GeneralSecurityException.class, () -> open(tampered), "bit " + b);
      assertEquals("decryption failed", e.getMessage());
    }
  }

  @Test
  void open_ciphertextTruncatedOrExtended_rejected() throws Exception {
    RecordEnvelope envelope = sealed();
    byte[] ciphertext = envelope.getCiphertext().toByteArray();
    for (int length = 0; length < ciphertext.length; length++) {
      byte[] cut = Arrays.copyOf(ciphertext, length);
      RecordEnvelope tampered =
          envelope.toBuilder().setCiphertext(ByteString.copyFrom(cut)).build();
      assertThrows(GeneralSecurityException.class, () -> open(tampered), "length " + length);
    }
    RecordEnvelope longer =
        envelope.toBuilder()
            .setCiphertext(envelope.getCiphertext().concat(ByteString.copyFrom(new byte[1])))
            .build();
    assertThrows(GeneralSecurityException.class, () -> open(longer));
  }

  /**
   * Each associated-data field, every bit flipped. The reader is asked both with the address it
   * really expects and with the tampered one, so this checks the AEAD binding itself, not only the
   * equality checks in front of it.
   */
  @Test
  void open_everyAssociatedDataBitFlipped_rejected() throws Exception {
    RecordEnvelope envelope = sealed();
    Map<String, BiFunction<RecordEnvelope.Builder, Integer, RecordEnvelope.Builder>> fields =
        new HashMap<>();
    fields.put("vault_id", (b, bit) -> b.setVaultId(flip(b.getVaultId(), bit)));
    fields.put("scope_id", (b, bit) -> b.setScopeId(flip(b.getScopeId(), bit)));
    fields.put("record_id", (b, bit) -> b.setRecordId(flip(b.getRecordId(), bit)));
    fields.put(
        "author_device_id", (b, bit) -> b.setAuthorDeviceId(flip(b.getAuthorDeviceId(), bit)));
    fields.put("revision", (b, bit) -> b.setRevision(b.getRevision() ^ (1L << bit)));
    fields.put("format_version", (b, bit) -> b.setFormatVersion(b.getFormatVersion() ^ (1 << bit)));
    Map<String, Integer> bits =
        Map.of(
            "vault_id",
            128,
            "scope_id",
            128,
            "record_id",
            128,
            "author_device_id",
            128,
            "revision",
            64,
            "format_version",
            32);

    int checked = 0;
    for (Map.Entry<String, Integer> field : bits.entrySet()) {
      for (int bit = 0; bit < field.getValue(); bit++) {
        RecordEnvelope tampered =
            fields.get(field.getKey()).apply(envelope.toBuilder(), bit).build();
        String where = field.getKey() + " bit " + bit;
        assertThrows(GeneralSecurityException.class, () -> open(tampered), where);
        assertThrows(
            GeneralSecurityException.class,
            () ->
                RecordCipher.open(
                    aead,
                    tampered,
                    tampered.getVaultId().toByteArray(),
                    tampered.getRecordId().toByteArray(),
                    tampered.getRevision()),
            where + ", reader expecting the tampered address");
        checked++;
      }
    }
    assertEquals(608, checked);
  }

  @Test
  void open_associatedDataFieldLengthChanged_rejected() throws Exception {
    RecordEnvelope envelope = sealed();
    RecordEnvelope[] tampered = {
      envelope.toBuilder().setScopeId(ByteString.EMPTY).build(),
      envelope.toBuilder()
          .setScopeId(envelope.getScopeId().concat(ByteString.copyFrom(new byte[1])))
          .build(),
      envelope.toBuilder().setAuthorDeviceId(envelope.getAuthorDeviceId().substring(1)).build(),
      // Moving a byte from one field to the next keeps the concatenation; the length prefixes
      // must still tell them apart.
      envelope.toBuilder()
          .setScopeId(envelope.getScopeId().substring(0, 15))
          .setRecordId(envelope.getScopeId().substring(15).concat(envelope.getRecordId()))
          .build(),
    };
    for (RecordEnvelope candidate : tampered) {
      assertThrows(
          GeneralSecurityException.class,
          () ->
              RecordCipher.open(
                  aead,
                  candidate,
                  candidate.getVaultId().toByteArray(),
                  candidate.getRecordId().toByteArray(),
                  candidate.getRevision()));
    }
  }

  @Test
  void open_readerExpectsOtherVaultRecordOrRevision_rejected() throws Exception {
    RecordEnvelope envelope = sealed();
    assertThrows(
        GeneralSecurityException.class,
        () -> RecordCipher.open(aead, envelope, bytes(16, 0x12), RECORD_ID, REVISION));
    assertThrows(
        GeneralSecurityException.class,
        () -> RecordCipher.open(aead, envelope, VAULT_ID, bytes(16, 0x34), REVISION));
    assertThrows(
        GeneralSecurityException.class,
        () -> RecordCipher.open(aead, envelope, VAULT_ID, RECORD_ID, REVISION + 1));
  }

  @Test
  void open_otherScopeKeyset_rejected() throws Exception {
    RecordEnvelope envelope = sealed();
    Aead other = ScopeKeyset.generate().aead();
    assertThrows(
        GeneralSecurityException.class,
        () -> RecordCipher.open(other, envelope, VAULT_ID, RECORD_ID, REVISION));
  }

  /**
   * The envelope as stored and synced: its serialized bytes, every bit flipped. Each must fail to
   * parse or fail to open; none may open to anything.
   */
  @Test
  void open_everyBitOfSerializedEnvelopeFlipped_parseFailsOrRejected() throws Exception {
    byte[] serialized = sealed().toByteArray();
    int parseFailures = 0;
    int rejected = 0;
    for (int bit = 0; bit < serialized.length * 8; bit++) {
      byte[] flipped = flipBit(serialized, bit);
      RecordEnvelope parsed;
      try {
        parsed = RecordEnvelope.parseFrom(flipped);
      } catch (InvalidProtocolBufferException e) {
        parseFailures++;
        continue;
      }
      try {
        byte[] plain = open(parsed);
        fail(
            "bit "
                + bit
                + " flipped still opens, to "
                + (Arrays.equals(plain, MEMORY) ? "the same" : "a different")
                + " plaintext");
      } catch (GeneralSecurityException e) {
        rejected++;
      }
    }
    assertEquals(serialized.length * 8, parseFailures + rejected);
  }

  /** Plaintexts of every length from 1 to 5000 bytes: ciphertext sizes reveal only the bucket. */
  @Test
  void seal_lengthsInOneBucket_sameCiphertextSize() throws Exception {
    long seed = Seeds.seed("seal_lengthsInOneBucket_sameCiphertextSize");
    SplittableRandom random = new SplittableRandom(seed);
    Map<Integer, Integer> sizeByBucket = new HashMap<>();
    for (int length = 1; length <= 5000; length++) {
      byte[] memory = new byte[length];
      for (int i = 0; i < length; i++) {
        memory[i] = (byte) random.nextInt(256);
      }
      RecordEnvelope envelope =
          RecordCipher.seal(
              aead, new RecordAddress(VAULT_ID, SCOPE_ID, RECORD_ID, REVISION, DEVICE_ID), memory);
      int size = envelope.getCiphertext().size();
      int bucket = Padme.paddedLength(4 + length);
      Integer seen = sizeByBucket.putIfAbsent(bucket, size);
      if (seen != null) {
        assertEquals(seen, size, "length " + length + " in bucket " + bucket + Seeds.context(seed));
      }
      // Tink prefix (5) + GCM nonce (12) + padded plaintext + tag (16).
      assertEquals(5 + 12 + bucket + 16, size, "length " + length);
      assertArrayEquals(memory, open(envelope), "length " + length + Seeds.context(seed));
    }
    // Everything up to 252 bytes (256 with the length prefix) is one size.
    assertEquals(sizeByBucket.get(Padme.MIN_BUCKET), Integer.valueOf(5 + 12 + 256 + 16));
    assertTrue(sizeByBucket.size() < 5000 / 20, sizeByBucket.size() + " distinct sizes");
  }

  @Test
  void seal_emptyMemory_roundTrips() throws Exception {
    RecordEnvelope envelope =
        RecordCipher.seal(
            aead,
            new RecordAddress(VAULT_ID, SCOPE_ID, RECORD_ID, REVISION, DEVICE_ID),
            new byte[0]);
    assertArrayEquals(new byte[0], open(envelope));
  }

  private static ByteString flip(ByteString value, int bit) {
    return ByteString.copyFrom(flipBit(value.toByteArray(), bit));
  }

  private static byte[] flipBit(byte[] data, int bit) {
    byte[] copy = data.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  private static byte[] bytes(int length, int value) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (value + i);
    }
    return out;
  }

  // ---------------------------------------------------------------- compression (FORMAT 6.3)

  /** Tink prefix, nonce and tag around the padded plaintext. */
  private static final int AEAD_OVERHEAD = 5 + 12 + 16;

  private RecordEnvelope sealedMemory(byte[] memory) throws GeneralSecurityException {
    return RecordCipher.seal(
        aead, new RecordAddress(VAULT_ID, SCOPE_ID, RECORD_ID, REVISION, DEVICE_ID), memory);
  }

  private static byte[] repetitiveText(int bytes) {
    StringBuilder text = new StringBuilder();
    while (text.length() < bytes) {
      text.append("the ferry to Stromness leaves at nine, the ferry back at five. ");
    }
    return text.substring(0, bytes).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void seal_compressibleRecord_deflatedIntoASmallerBucketAndRoundTrips() throws Exception {
    byte[] memory = repetitiveText(8_000);

    RecordEnvelope envelope = sealedMemory(memory);

    int storedLength = AEAD_OVERHEAD + Padme.paddedLength(4 + memory.length);
    assertTrue(
        envelope.getCiphertext().size() < storedLength,
        envelope.getCiphertext().size() + " is not below " + storedLength);
    assertArrayEquals(memory, open(envelope));
    String ciphertext =
        new String(envelope.getCiphertext().toByteArray(), StandardCharsets.ISO_8859_1);
    assertFalse(ciphertext.contains("Stromness"));
  }

  @Test
  void seal_incompressibleRecord_storedAsItIs() throws Exception {
    byte[] memory = new byte[5_000];
    new SplittableRandom(42).nextBytes(memory);

    RecordEnvelope envelope = sealedMemory(memory);

    assertEquals(
        AEAD_OVERHEAD + Padme.paddedLength(4 + memory.length), envelope.getCiphertext().size());
    assertArrayEquals(memory, open(envelope));
  }

  @Test
  void seal_recordInTheSmallestBucket_neverDeflated() throws Exception {
    // 252 bytes of memory fill the 256-byte bucket exactly; deflating cannot make it smaller, so
    // short records (and tombstones) keep the uncompressed layout of the worked example (11.2).
    byte[] memory = repetitiveText(252);

    RecordEnvelope envelope = sealedMemory(memory);

    assertEquals(AEAD_OVERHEAD + 256, envelope.getCiphertext().size());
    assertEquals(memory.length, plaintextOf(envelope).getInt(0), "length prefix without the flag");
  }

  @Test
  void open_deflatedBodyThatIsNotOneWholeStream_rejected() throws Exception {
    byte[] valid = deflate(repetitiveText(4_000));
    byte[] truncated = Arrays.copyOf(valid, valid.length - 3);
    byte[] trailing = Arrays.copyOf(valid, valid.length + 2);
    byte[] garbage = new byte[300];
    new SplittableRandom(7).nextBytes(garbage);

    for (byte[] body : new byte[][] {truncated, trailing, garbage}) {
      RecordEnvelope envelope = sealedRaw(0x8000_0000 | body.length, body);
      assertThrows(GeneralSecurityException.class, () -> open(envelope));
    }
    assertArrayEquals(
        repetitiveText(4_000), open(sealedRaw(0x8000_0000 | valid.length, valid)), "control");
  }

  @Test
  void open_deflatedBodyInflatingPastTheLimit_rejected() throws Exception {
    // 65 MiB of zeros deflate to about 65 KiB: a key holder could send such a record.
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(9, true);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    byte[] buffer = new byte[1 << 16];
    for (int i = 0; i < 65; i++) {
      deflater.setInput(zeros);
      while (!deflater.needsInput()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    byte[] bomb = out.toByteArray();

    RecordEnvelope envelope = sealedRaw(0x8000_0000 | bomb.length, bomb);

    assertThrows(GeneralSecurityException.class, () -> open(envelope));
  }

  /**
   * An envelope whose plaintext is exactly u32be(prefix) || body, padded, as a writer could seal.
   */
  private RecordEnvelope sealedRaw(int prefix, byte[] body) throws GeneralSecurityException {
    RecordAddress address = new RecordAddress(VAULT_ID, SCOPE_ID, RECORD_ID, REVISION, DEVICE_ID);
    java.nio.ByteBuffer plain = java.nio.ByteBuffer.allocate(Padme.paddedLength(4 + body.length));
    plain.putInt(prefix).put(body);
    byte[] ciphertext =
        aead.encrypt(plain.array(), address.associatedData(RecordCipher.FORMAT_VERSION));
    return sealedMemory(new byte[0]).toBuilder()
        .setCiphertext(ByteString.copyFrom(ciphertext))
        .build();
  }

  private java.nio.ByteBuffer plaintextOf(RecordEnvelope envelope) throws GeneralSecurityException {
    RecordAddress address = RecordCipher.addressOf(envelope);
    return java.nio.ByteBuffer.wrap(
        aead.decrypt(
            envelope.getCiphertext().toByteArray(),
            address.associatedData(RecordCipher.FORMAT_VERSION)));
  }

  private static byte[] deflate(byte[] input) {
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(1, true);
    deflater.setInput(input);
    deflater.finish();
    byte[] out = new byte[input.length + 64];
    int length = deflater.deflate(out);
    deflater.end();
    return Arrays.copyOf(out, length);
  }

  @Test
  void seal_randomBytesAtEverySize_storedAsTheyAreAndRoundTrip() throws Exception {
    long seed = Seeds.seed("seal_randomBytesAtEverySize_storedAsTheyAreAndRoundTrip");
    SplittableRandom random = new SplittableRandom(seed);
    for (int length : new int[] {253, 300, 1_024, 4_000, 65_536, 100_000}) {
      byte[] memory = new byte[length];
      random.nextBytes(memory);

      RecordEnvelope envelope = sealedMemory(memory);

      String where = "length " + length + Seeds.context(seed);
      assertEquals(length, plaintextOf(envelope).getInt(0), where);
      assertArrayEquals(memory, open(envelope), where);
    }
  }

  @Test
  void seal_textBehindARandomLookingSample_stillDeflatedWhenItHelps() throws Exception {
    // Text in the middle of a record whose start is random bytes: the sample spans the whole
    // record, so the text is seen and the record deflates into a smaller bucket.
    byte[] random = new byte[400];
    new SplittableRandom(3).nextBytes(random);
    byte[] text = repetitiveText(20_000);
    byte[] memory = Arrays.copyOf(random, random.length + text.length);
    System.arraycopy(text, 0, memory, random.length, text.length);

    RecordEnvelope envelope = sealedMemory(memory);

    assertTrue(plaintextOf(envelope).getInt(0) < 0, "deflated flag set");
    assertArrayEquals(memory, open(envelope));
  }

  @Test
  void seal_associatedData_isTheAddressEncoding() throws Exception {
    // The envelope's associated data is built from its own fields; it must equal the address's
    // encoding (FORMAT 6.2), or the decryption below fails.
    RecordEnvelope envelope = sealedMemory(repetitiveText(3_000));
    RecordAddress address = new RecordAddress(VAULT_ID, SCOPE_ID, RECORD_ID, REVISION, DEVICE_ID);

    byte[] plaintext =
        aead.decrypt(
            envelope.getCiphertext().toByteArray(),
            address.associatedData(RecordCipher.FORMAT_VERSION));

    assertEquals(envelope.getCiphertext().size() - AEAD_OVERHEAD, plaintext.length);
  }

  /**
   * A record deflated by an earlier writer (docs/FORMAT.md, section 11.6, sealed with a fixed key
   * and nonce): the reader opens it to the documented memory, whatever the writer does today.
   */
  @Test
  void open_deflatedVectorFromFormatDocument_givesTheDocumentedMemory() throws Exception {
    HexFormat hex = HexFormat.of();
    AesGcmKey key =
        AesGcmKey.builder()
            .setParameters(
                AesGcmParameters.builder()
                    .setKeySizeBytes(32)
                    .setIvSizeBytes(12)
                    .setTagSizeBytes(16)
                    .setVariant(AesGcmParameters.Variant.TINK)
                    .build())
            .setKeyBytes(
                SecretBytes.copyFrom(
                    hex.parseHex(
                        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"),
                    InsecureSecretKeyAccess.get()))
            .setIdRequirement(0x12345678)
            .build();
    Aead vectorAead =
        KeysetHandle.newBuilder()
            .addEntry(KeysetHandle.importKey(key).makePrimary())
            .build()
            .getPrimitive(RegistryConfiguration.get(), Aead.class);
    RecordEnvelope envelope = RecordEnvelope.parseFrom(hex.parseHex(formatVector("### 11.6 ")));

    Memory memory =
        Memory.parseFrom(
            RecordCipher.open(
                vectorAead,
                envelope,
                hex.parseHex("00112233445566778899aabbccddeeff"),
                hex.parseHex("017f22e279b07cc398c4dc0c0c07398f"),
                1));

    String text =
        "The ferry to Stromness leaves Scrabster at 09:15 and 13:30; the crossing takes ninety"
            + " minutes. Book the car on the 09:15 ferry, since the 13:30 ferry is often full in"
            + " July.";
    assertEquals("017f22e2-79b0-7cc3-98c4-dc0c0c07398f", memory.getId());
    assertEquals(Kind.MESSAGE, memory.getKind());
    assertEquals(text, memory.getText());
    assertEquals(text, memory.getMessage().getParts(0).getText());
    assertEquals(449, memory.getSerializedSize());
    assertEquals(5 + 12 + 256 + 16, envelope.getCiphertext().size(), "in the 256-byte bucket");
  }

  /** The hex of the last code block under the heading that starts with {@code heading}. */
  private static String formatVector(String heading) throws java.io.IOException {
    // Maven runs tests with the module directory (vault-core/) as the working directory.
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "FORMAT.md"));
    int at = 0;
    while (!lines.get(at).startsWith(heading)) {
      at++;
    }
    StringBuilder hexText = new StringBuilder();
    boolean inBlock = false;
    for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
      if (lines.get(i).startsWith("```")) {
        if (!inBlock) {
          hexText.setLength(0);
        }
        inBlock = !inBlock;
      } else if (inBlock) {
        hexText.append(lines.get(i).strip());
      }
    }
    return hexText.toString();
  }
}
