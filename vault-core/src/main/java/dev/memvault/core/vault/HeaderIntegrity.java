package dev.memvault.core.vault;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.protobuf.ByteString;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.RootKey;
import dev.memvault.proto.v1.KdfParams;
import dev.memvault.proto.v1.VaultHeader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The header's integrity tag: HMAC-SHA256 under a key derived from the root key over every other
 * header field, so that no field can be changed unnoticed, including those that a passphrase open
 * never uses (the recovery wrap, the creation time). Specified in docs/FORMAT.md, 8.3.
 */
final class HeaderIntegrity {
  private static final byte[] INFO =
      "memvault.v1 header integrity".getBytes(StandardCharsets.UTF_8);

  private HeaderIntegrity() {}

  static VaultHeader seal(VaultHeader header, RootKey root) {
    return header.toBuilder().setIntegrityTag(ByteString.copyFrom(tag(header, root))).build();
  }

  static boolean verify(VaultHeader header, RootKey root) {
    return MessageDigest.isEqual(tag(header, root), header.getIntegrityTag().toByteArray());
  }

  private static byte[] tag(VaultHeader header, RootKey root) {
    KdfParams kdf = header.getKdf();
    byte[] input =
        AssociatedData.labeled("memvault.v1.header")
            .uint32(header.getFormatVersion())
            .bytes(header.getVaultId().toByteArray())
            .bytes(header.getDeviceId().toByteArray())
            .bytes(kdf.getAlgorithm().getBytes(StandardCharsets.UTF_8))
            .uint32(kdf.getMemoryKib())
            .uint32(kdf.getIterations())
            .uint32(kdf.getParallelism())
            .bytes(kdf.getSalt().toByteArray())
            .bytes(header.getRootKeyByPassphrase().toByteArray())
            .bytes(header.getRootKeyByRecovery().toByteArray())
            .bytes(header.getDatabaseKey().toByteArray())
            .uint64(header.getCreatedAt())
            .encode();
    byte[] rootBytes = root.secret().toByteArray(InsecureSecretKeyAccess.get());
    byte[] macKey = null;
    try {
      macKey =
          Hkdf.computeHkdf("HMACSHA256", rootBytes, header.getVaultId().toByteArray(), INFO, 32);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    } finally {
      Arrays.fill(rootBytes, (byte) 0);
      if (macKey != null) {
        Arrays.fill(macKey, (byte) 0);
      }
    }
  }
}
