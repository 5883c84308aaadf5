package dev.memvault.server.auth;

import dev.memvault.protocol.CanonicalEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's 32-byte secret: the HMAC key behind its challenges and session tokens, which makes
 * both stateless, so that every server process holding the same secret accepts what any of them
 * issued. Whoever holds it can mint sessions for any device; it never leaves the server.
 *
 * <p>It never prints itself, has no equals or hashCode, and is used only through {@link #hmac}. On
 * disk and in {@code MEMVAULT_SERVER_SECRET} it is 64 hex digits.
 */
public final class ServerSecret {
  public static final int LENGTH = 32;
  static final String CHECK_LABEL = "memvault.server.secret-check.v1";
  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;

  private ServerSecret(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a server secret is " + LENGTH + " bytes");
    }
    this.key = new SecretKeySpec(bytes, HMAC);
  }

  /** Wraps (a copy of) 32 secret bytes. */
  public static ServerSecret of(byte[] bytes) {
    return new ServerSecret(bytes.clone());
  }

  public static ServerSecret generate(SecureRandom random) {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new ServerSecret(bytes);
  }

  /**
   * Parses 64 hex digits (surrounding white space ignored).
   *
   * @throws IllegalArgumentException without quoting the input
   */
  public static ServerSecret fromHex(String hex) {
    String digits = hex.strip();
    if (digits.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("a server secret is " + 2 * LENGTH + " hex digits");
    }
    try {
      return new ServerSecret(HexFormat.of().parseHex(digits));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a server secret is " + 2 * LENGTH + " hex digits");
    }
  }

  /**
   * Reads the secret from {@code file} (64 hex digits).
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it does not hold a secret
   */
  public static ServerSecret read(Path file) throws IOException {
    return fromHex(Files.readString(file, StandardCharsets.US_ASCII));
  }

  /**
   * Reads the secret from {@code file}, or, if there is no such file, generates one and writes it
   * there, readable by the owner only, synced to disk before this returns. The caller makes sure no
   * other process does the same at the same time (the embedded store's directory lock).
   */
  public static ServerSecret readOrCreate(Path file, SecureRandom random) throws IOException {
    if (Files.exists(file)) {
      return read(file);
    }
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    byte[] text = (HexFormat.of().formatHex(bytes) + "\n").getBytes(StandardCharsets.US_ASCII);
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    try (FileChannel channel =
        FileChannel.open(
            temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly())) {
      channel.write(ByteBuffer.wrap(text));
      channel.force(true);
    }
    // Whole or not at all: a crash while writing leaves only the temporary file behind.
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    return new ServerSecret(bytes);
  }

  private static FileAttribute<?>[] ownerOnly() {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    Set<PosixFilePermission> permissions = PosixFilePermissions.fromString("rw-------");
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
  }

  /**
   * This secret's check value, HMAC-SHA256(secret, canonical("{@value #CHECK_LABEL}")): the same
   * for every server holding the same secret, and kept in the store so that a replica given another
   * secret is refused at start. It lets a reader of the store test a guessed secret and nothing
   * more: a 32-byte random secret is not guessed. No token or challenge MAC is computed over this
   * label, so the value signs nothing.
   */
  public byte[] check() {
    return hmac(CanonicalEncoding.encode(CHECK_LABEL));
  }

  /** HMAC-SHA256 of {@code data} under the secret (32 bytes). */
  public byte[] hmac(byte[] data) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new AssertionError("every Java platform has HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "ServerSecret[redacted]";
  }
}
