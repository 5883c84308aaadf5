package dev.memvault.sdk.portable.pam;

import com.google.crypto.tink.subtle.Ed25519Verify;
import dev.memvault.core.VaultException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The optional signature of a PAM export (spec section 18): Ed25519 over the RFC 8785 form of
 * {@code {checksum, export_id, export_date, owner_id}}, with the public key in the file.
 *
 * <p>What a valid signature proves: the memories (through the integrity checksum), the export id,
 * date and owner id are as the holder of that key signed them. It does not say who holds the key:
 * anyone who alters an export can sign it again with a key of their own. So a signature that does
 * not verify refuses the import, and one that does is reported, not trusted further.
 */
final class PamSignature {
  /** The Ed25519 multicodec prefix that did:key and multibase keys carry. */
  private static final byte[] ED25519_CODEC = {(byte) 0xed, 0x01};

  private PamSignature() {}

  /**
   * Checks the signature of {@code root}, a store whose integrity block has been checked.
   *
   * @throws VaultException.InvalidInput if it is present and does not verify
   */
  static PamImportReport.Signature check(String file, JsonNode root) {
    JsonNode signature = root.get("signature");
    if (signature == null || signature.isNull()) {
      return PamImportReport.Signature.UNSIGNED;
    }
    String algorithm = PamStore.text(signature, "algorithm");
    if (!"Ed25519".equals(algorithm)) {
      return PamImportReport.Signature.NOT_CHECKED;
    }
    String checksum = PamStore.text(root.path("integrity"), "checksum");
    String exportId = PamStore.text(root, "export_id");
    String exportDate = PamStore.text(root, "export_date");
    String ownerId = PamStore.text(root.path("owner"), "id");
    if (checksum == null || exportId == null || exportDate == null) {
      throw bad(file, "is signed but lacks the integrity checksum, export_id or export_date");
    }
    byte[] key;
    byte[] value;
    try {
      key = publicKey(PamStore.text(signature, "public_key"));
      value = Base64.getUrlDecoder().decode(stripPadding(PamStore.text(signature, "value")));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw bad(file, "has a signature whose public key or value cannot be read");
    }
    try {
      new Ed25519Verify(key).verify(value, payload(checksum, exportId, exportDate, ownerId));
      return PamImportReport.Signature.VERIFIED;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw bad(
          file,
          "has a signature that does not verify: the export was altered after it was signed;"
              + " nothing was imported");
    }
  }

  /** The bytes section 18.3 signs. */
  static byte[] payload(String checksum, String exportId, String exportDate, String ownerId) {
    ObjectNode payload = Json.object();
    payload.put("checksum", checksum);
    payload.put("export_id", exportId);
    payload.put("export_date", exportDate);
    payload.put("owner_id", ownerId);
    return Jcs.canonicalBytes(payload);
  }

  /** A 32-byte key from multibase base58btc ({@code z...}), with or without the codec prefix. */
  private static byte[] publicKey(String text) {
    byte[] bytes = Base58.decode(text.startsWith("z") ? text.substring(1) : text);
    if (bytes.length == 34 && bytes[0] == ED25519_CODEC[0] && bytes[1] == ED25519_CODEC[1]) {
      bytes = Arrays.copyOfRange(bytes, 2, 34);
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    return bytes;
  }

  private static String stripPadding(String text) {
    return text.replace("=", "");
  }

  private static VaultException.InvalidInput bad(String file, String reason) {
    return new VaultException.InvalidInput(file + " " + reason);
  }
}
