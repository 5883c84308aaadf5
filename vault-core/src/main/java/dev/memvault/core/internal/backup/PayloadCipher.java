package dev.memvault.core.internal.backup;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.Hkdf;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.RootKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The streaming AEAD of a backup payload: Tink's AES-256-GCM-HKDF streaming (segments authenticated
 * one by one, each nonce holding the segment number and a last-segment flag, so that reordered,
 * dropped, truncated or appended segments fail), keyed with a key derived from the root key for
 * this one purpose and this one backup, over associated data that is the backup's clear header.
 */
final class PayloadCipher {
  private static final byte[] KEY_INFO =
      "memvault.v1 backup payload".getBytes(StandardCharsets.UTF_8);
  private static final String AD_LABEL = "memvault.v1.backup";
  private static final int KEY_BYTES = 32;

  private PayloadCipher() {}

  /**
   * payload key = HKDF-SHA256(IKM = root key, salt = payload_salt, info = "memvault.v1 backup
   * payload"); the root key's own use (AES-GCM key wrapping) never sees this key.
   */
  static StreamingAead streamingAead(RootKey root, byte[] payloadSalt, int segmentSize)
      throws GeneralSecurityException {
    byte[] rootBytes = root.secret().toByteArray(InsecureSecretKeyAccess.get());
    byte[] payloadKey = null;
    try {
      payloadKey = Hkdf.computeHkdf("HMACSHA256", rootBytes, payloadSalt, KEY_INFO, KEY_BYTES);
      return new AesGcmHkdfStreaming(payloadKey, "HmacSha256", KEY_BYTES, segmentSize, 0);
    } finally {
      Arrays.fill(rootBytes, (byte) 0);
      if (payloadKey != null) {
        Arrays.fill(payloadKey, (byte) 0);
      }
    }
  }

  /** AD = memvault.v1.backup (the serialized BackupHeader, exactly as stored in the file). */
  static byte[] associatedData(byte[] headerBytes) {
    return AssociatedData.labeled(AD_LABEL).bytes(headerBytes).encode();
  }
}
