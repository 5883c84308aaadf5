package dev.memvault.core.vault;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.memvault.core.VaultException;
import dev.memvault.proto.v1.VaultHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The {@code vault.header} file: an 8-byte magic, the serialized {@link VaultHeader}, and a SHA-256
 * checksum of both. The checksum catches accidental damage; deliberate tampering is caught by the
 * associated data of the keys the header wraps.
 *
 * <p>Writes are atomic: a temporary file is written and synced, then renamed over the old one, so a
 * crash leaves either the old header or the new one, never a mix.
 */
public final class VaultHeaderFile {
  public static final String FILE_NAME = "vault.header";
  private static final byte[] MAGIC = "MVAULT01".getBytes(StandardCharsets.US_ASCII);
  private static final int CHECKSUM_BYTES = 32;
  private static final int MAX_BYTES = 64 * 1024;

  private VaultHeaderFile() {}

  public static Path path(Path vaultDir) {
    return vaultDir.resolve(FILE_NAME);
  }

  public static VaultHeader read(Path vaultDir) {
    Path file = path(vaultDir);
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw damaged(file);
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new VaultException.NotFound(
          "no vault at " + vaultDir + " (run 'memvault init' to create one)");
    } catch (IOException e) {
      throw new VaultException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length < MAGIC.length + CHECKSUM_BYTES
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw damaged(file);
    }
    int bodyEnd = bytes.length - CHECKSUM_BYTES;
    byte[] expected = sha256(Arrays.copyOf(bytes, bodyEnd));
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, bodyEnd, bytes.length))) {
      throw damaged(file);
    }
    try {
      return VaultHeader.parseFrom(Arrays.copyOfRange(bytes, MAGIC.length, bodyEnd));
    } catch (InvalidProtocolBufferException e) {
      throw damaged(file);
    }
  }

  public static void write(Path vaultDir, VaultHeader header) {
    write(vaultDir, FILE_NAME, header);
  }

  /** Writes {@code header} as file {@code fileName} of {@code vaultDir}, atomically. */
  static void write(Path vaultDir, String fileName, VaultHeader header) {
    byte[] body = header.toByteArray();
    ByteBuffer content = ByteBuffer.allocate(MAGIC.length + body.length + CHECKSUM_BYTES);
    content.put(MAGIC).put(body);
    content.put(sha256(Arrays.copyOf(content.array(), MAGIC.length + body.length)));
    Path file = vaultDir.resolve(fileName);
    Path temp = vaultDir.resolve(fileName + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        content.flip();
        while (content.hasRemaining()) {
          channel.write(content);
        }
        channel.force(true);
      }
      VaultFiles.ownerOnly(temp);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(vaultDir);
    } catch (IOException e) {
      throw new VaultException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes a rename durable: on Linux a directory's entries are synced by fsync on the directory.
   */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for syncing; the rename itself is still atomic.
      if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
        throw e;
      }
    }
  }

  private static VaultException damaged(Path file) {
    return new VaultException.Corrupt(
        "the vault header " + file + " is damaged; restore it from a backup");
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
