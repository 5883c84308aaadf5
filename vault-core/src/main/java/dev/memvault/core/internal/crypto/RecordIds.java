package dev.memvault.core.internal.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.subtle.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The record id a memory is filed under outside the vault (docs/FORMAT.md, section 6.6): a keyed
 * hash of its UUID, {@code HMAC-SHA256(HKDF-SHA256(original root key, salt = vault_id, info =
 * "memvault.v2 record id"), ("memvault.v2.record-id", uuid bytes))}, first 16 bytes.
 *
 * <p>Why: a memory's id is a UUIDv7, whose first 48 bits are the millisecond it was minted. In an
 * envelope of format 1 the record id is that UUID, so a sync server reads when every memory was
 * made. Under the keyed hash it reads nothing: without the key the ids of two memories are
 * unrelated random-looking strings, while every revision of one memory still carries the same id
 * (the server needs that to drop superseded payloads, and devices to check the drops). The key is
 * derived from the vault's original root key, which every device and no sync server holds, as scope
 * ids are.
 */
public final class RecordIds {
  private static final byte[] INFO = "memvault.v2 record id".getBytes(StandardCharsets.UTF_8);
  private static final String LABEL = "memvault.v2.record-id";

  private final SecretKeySpec key;

  private RecordIds(byte[] macKey) {
    this.key = new SecretKeySpec(macKey, "HmacSHA256");
    Arrays.fill(macKey, (byte) 0);
  }

  /** The ids of the vault {@code vaultId} whose original root key is {@code originalRoot}. */
  public static RecordIds of(RootKey originalRoot, byte[] vaultId) {
    byte[] rootBytes = originalRoot.secret().toByteArray(InsecureSecretKeyAccess.get());
    try {
      return new RecordIds(Hkdf.computeHkdf("HMACSHA256", rootBytes, vaultId, INFO, 32));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 unavailable", e);
    } finally {
      Arrays.fill(rootBytes, (byte) 0);
    }
  }

  /** The 16-byte keyed record id of the memory {@code memoryId}. Safe from any thread. */
  public byte[] keyed(UUID memoryId) {
    try {
      // A Mac is not thread-safe, and sealing runs on several threads: one per call (an HMAC
      // costs a small part of sealing even the smallest record).
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] input = AssociatedData.labeled(LABEL).bytes(uuidBytes(memoryId)).encode();
      return Arrays.copyOf(mac.doFinal(input), 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  /** The 16 bytes of a UUID, most significant first: the record id of format 1. */
  public static byte[] uuidBytes(UUID id) {
    byte[] bytes = new byte[16];
    long msb = id.getMostSignificantBits();
    long lsb = id.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (msb >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (lsb >>> (56 - 8 * i));
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "RecordIds[key hidden]";
  }
}
