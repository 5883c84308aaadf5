package dev.memvault.sdk.sync;

import com.google.protobuf.ByteString;
import dev.memvault.core.VaultException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What the person hands an AI provider with a grant ({@code grant create} prints it): the vault,
 * the grant's id, and the hash of the device chain link that made the grant. The hash pins the
 * chain up to that link, so a server cannot show the provider a grant, or devices, of its own
 * making.
 *
 * <pre>
 * reference = "mvg1." || base64url_nopad(vault_id(16) || grant_id(16) || link_seq(u64be)
 *                                        || link_hash(32))
 * </pre>
 */
public record GrantReference(byte[] vaultId, byte[] grantId, long linkSeq, byte[] linkHash) {
  private static final String PREFIX = "mvg1.";
  private static final int LENGTH = 16 + 16 + Long.BYTES + 32;

  public GrantReference {
    vaultId = vaultId.clone();
    grantId = grantId.clone();
    linkHash = linkHash.clone();
  }

  /**
   * @throws VaultException.InvalidInput if {@code text} is not a grant reference
   */
  public static GrantReference parse(String text) {
    String trimmed = text.strip();
    byte[] bytes;
    try {
      bytes =
          trimmed.startsWith(PREFIX)
              ? Base64.getUrlDecoder().decode(trimmed.substring(PREFIX.length()))
              : new byte[0];
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != LENGTH) {
      throw new VaultException.InvalidInput(
          "'"
              + (trimmed.length() > 20 ? trimmed.substring(0, 20) + "..." : trimmed)
              + "' is not a grant: give the line `memvault grant create` printed first (mvg1....)");
    }
    ByteBuffer parts = ByteBuffer.wrap(bytes);
    byte[] vault = new byte[16];
    byte[] grant = new byte[16];
    byte[] hash = new byte[32];
    parts.get(vault).get(grant);
    long seq = parts.getLong();
    parts.get(hash);
    return new GrantReference(vault, grant, seq, hash);
  }

  public String format() {
    byte[] bytes =
        ByteBuffer.allocate(LENGTH)
            .put(vaultId)
            .put(grantId)
            .putLong(linkSeq)
            .put(linkHash)
            .array();
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The grant id as {@code grants} lists it: 32 hex digits. */
  public String grantIdHex() {
    return HexFormat.of().formatHex(grantId);
  }

  ByteString grantIdBytes() {
    return ByteString.copyFrom(grantId);
  }

  @Override
  public byte[] vaultId() {
    return vaultId.clone();
  }

  @Override
  public byte[] grantId() {
    return grantId.clone();
  }

  @Override
  public byte[] linkHash() {
    return linkHash.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GrantReference that
        && Arrays.equals(vaultId, that.vaultId)
        && Arrays.equals(grantId, that.grantId)
        && linkSeq == that.linkSeq
        && Arrays.equals(linkHash, that.linkHash);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(grantId);
  }

  @Override
  public String toString() {
    return "GrantReference[" + grantIdHex() + "]";
  }
}
