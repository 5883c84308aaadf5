package dev.memvault.core.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.KdfParameters;
import dev.memvault.proto.v1.VaultHeader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vault.header file layout: magic, serialized VaultHeader, SHA-256 of both. */
class VaultHeaderFileTest {
  @TempDir Path dir;

  private static VaultHeader header() {
    return VaultHeader.newBuilder()
        .setFormatVersion(1)
        .setVaultId(ByteString.copyFrom(new byte[16]))
        .setDeviceId(ByteString.copyFrom(new byte[16]))
        .setKdf(KdfParameters.defaults(new SecureRandom()).toProto())
        .setRootKeyByPassphrase(ByteString.copyFromUtf8("wrapped"))
        .setCreatedAt(1_700_000_000L)
        .build();
  }

  @Test
  void writeThenRead_sameHeader_documentedLayout() throws Exception {
    VaultHeader header = header();
    VaultHeaderFile.write(dir, header);
    byte[] bytes = Files.readAllBytes(VaultHeaderFile.path(dir));

    assertEquals(header, VaultHeaderFile.read(dir));
    assertArrayEquals("MVAULT01".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(bytes, 8));
    assertArrayEquals(header.toByteArray(), Arrays.copyOfRange(bytes, 8, bytes.length - 32));
    assertArrayEquals(
        MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, bytes.length - 32)),
        Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
    assertFalse(Files.exists(dir.resolve(VaultHeaderFile.FILE_NAME + ".tmp")));
  }

  @Test
  void write_again_replacesWhole() {
    VaultHeaderFile.write(
        dir,
        header().toBuilder().setRootKeyByPassphrase(ByteString.copyFrom(new byte[500])).build());
    VaultHeader shorter = header();
    VaultHeaderFile.write(dir, shorter);

    assertEquals(shorter, VaultHeaderFile.read(dir));
  }

  @Test
  void read_missing_notFound() {
    VaultException.NotFound e =
        assertThrows(VaultException.NotFound.class, () -> VaultHeaderFile.read(dir));
    assertTrue(e.getMessage().contains("memvault init"), e.getMessage());
  }

  @Test
  void read_otherMagicOrOversized_corrupt() throws Exception {
    VaultHeaderFile.write(dir, header());
    byte[] bytes = Files.readAllBytes(VaultHeaderFile.path(dir));
    bytes[7] = '2';
    Files.write(VaultHeaderFile.path(dir), bytes);
    assertThrows(VaultException.Corrupt.class, () -> VaultHeaderFile.read(dir));

    Files.write(VaultHeaderFile.path(dir), new byte[64 * 1024 + 1]);
    assertThrows(VaultException.Corrupt.class, () -> VaultHeaderFile.read(dir));
  }

  @Test
  void read_validChecksumOverGarbage_corrupt() throws Exception {
    byte[] body = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    byte[] content = new byte[8 + body.length];
    System.arraycopy("MVAULT01".getBytes(StandardCharsets.US_ASCII), 0, content, 0, 8);
    System.arraycopy(body, 0, content, 8, body.length);
    byte[] file = Arrays.copyOf(content, content.length + 32);
    System.arraycopy(
        MessageDigest.getInstance("SHA-256").digest(content), 0, file, content.length, 32);
    Files.write(VaultHeaderFile.path(dir), file);

    assertThrows(VaultException.Corrupt.class, () -> VaultHeaderFile.read(dir));
  }
}
