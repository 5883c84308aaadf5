package dev.memvault.core.vault;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.util.SecretBytes;
import dev.memvault.core.internal.crypto.RootKey;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * What opens one vault without its passphrase while a person keeps it unlocked: a copy of the
 * vault's root key, for a session agent to hold in memory and hand to the same person's commands
 * ({@link Vault#openWithSessionKey}). Whoever holds it can read and write the vault, as the
 * passphrase would let them, until the vault is rekeyed; it opens nothing rekeyed since. It is not
 * the passphrase: a passphrase used elsewhere too is never held.
 *
 * <p>The bytes live in one array, never in a String; {@link #destroy()} zeroes it. Never prints
 * them; has no equals or hashCode.
 */
public final class SessionKey {
  /** Length of the key on the wire: the root key's. */
  public static final int BYTES = RootKey.BYTES;

  private final byte[] bytes;
  private boolean destroyed;

  private SessionKey(byte[] bytes) {
    this.bytes = bytes;
  }

  static SessionKey of(RootKey root) {
    return new SessionKey(root.secret().toByteArray(InsecureSecretKeyAccess.get()));
  }

  /**
   * Reads exactly {@link #BYTES} bytes, as {@link #writeTo} wrote them.
   *
   * @throws IOException if the stream ends first
   */
  public static SessionKey readFrom(InputStream in) throws IOException {
    byte[] bytes = new byte[BYTES];
    try {
      new DataInputStream(in).readFully(bytes);
    } catch (IOException e) {
      Arrays.fill(bytes, (byte) 0);
      throw e;
    }
    return new SessionKey(bytes);
  }

  /** Writes the key's {@link #BYTES} bytes, for a pipe or socket to the same user's process. */
  public void writeTo(OutputStream out) throws IOException {
    requireLive();
    out.write(bytes);
  }

  RootKey rootKey() {
    requireLive();
    return RootKey.of(SecretBytes.copyFrom(bytes, InsecureSecretKeyAccess.get()));
  }

  /** Zeroes the key's bytes; it can be used no more. */
  public void destroy() {
    Arrays.fill(bytes, (byte) 0);
    destroyed = true;
  }

  public boolean isDestroyed() {
    return destroyed;
  }

  private void requireLive() {
    if (destroyed) {
      throw new IllegalStateException("the session key was destroyed");
    }
  }

  @Override
  public String toString() {
    return destroyed ? "SessionKey[destroyed]" : "SessionKey[redacted]";
  }
}
