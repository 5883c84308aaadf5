package dev.memvault.core.internal.sync;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.subtle.Hkdf;
import dev.memvault.core.internal.crypto.AssociatedData;
import dev.memvault.core.internal.crypto.RootKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The id of a new scope, derived from its name under the vault root key (docs/FORMAT.md, section
 * 14.2): two devices that create the same scope name before they sync get the same scope id, and
 * their keysets merge instead of conflicting. Without the root key the id reveals nothing about the
 * name.
 */
public final class ScopeIds {
  private static final byte[] INFO = "memvault.v1 scope id".getBytes(StandardCharsets.UTF_8);

  private ScopeIds() {}

  /**
   * {@code HMAC-SHA256(HKDF-SHA256(root, salt = vault_id, info = "memvault.v1 scope id"),
   * ("memvault.v1.scope-id", utf8(name)))}, first 16 bytes.
   */
  public static byte[] derive(RootKey root, byte[] vaultId, String name) {
    byte[] rootBytes = root.secret().toByteArray(InsecureSecretKeyAccess.get());
    byte[] macKey = null;
    try {
      macKey = Hkdf.computeHkdf("HMACSHA256", rootBytes, vaultId, INFO, 32);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      byte[] input =
          AssociatedData.labeled("memvault.v1.scope-id")
              .bytes(name.getBytes(StandardCharsets.UTF_8))
              .encode();
      return Arrays.copyOf(mac.doFinal(input), 16);
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
