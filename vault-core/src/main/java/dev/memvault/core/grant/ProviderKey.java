package dev.memvault.core.grant;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import dev.memvault.core.VaultException;
import dev.memvault.core.internal.crypto.Hpke;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;

/**
 * An AI provider's key pair (the secret file of {@code provider keygen}): an Ed25519 key it signs
 * in to a grant with, and an HPKE key the granted scopes' keysets are sealed to. It lives on the
 * provider's backend, in the clear like any service credential: whoever holds it reads what the
 * grants made to it grant, until they end.
 *
 * <p>Never prints key material; has no equals or hashCode.
 */
public final class ProviderKey {
  static final String HEADER = "memvault-provider-key 1";
  private static final String SIGNING = "signing-keyset ";
  private static final String ENCRYPTION = "encryption-keyset ";

  private final KeysetHandle signing;
  private final KeysetHandle encryption;
  private final PublicKeySign signer;

  private ProviderKey(KeysetHandle signing, KeysetHandle encryption)
      throws GeneralSecurityException {
    this.signing = signing;
    this.encryption = encryption;
    this.signer = signing.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    encryption.getPrimitive(
        RegistryConfiguration.get(), com.google.crypto.tink.HybridDecrypt.class);
  }

  public static ProviderKey generate() {
    ProviderPublicKey.registerKeyTypes();
    try {
      return new ProviderKey(
          KeysetHandle.generateNew(
              PredefinedSignatureParameters.ED25519, RegistryConfiguration.get()),
          Hpke.generate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 or HPKE keys unavailable", e);
    }
  }

  /**
   * Reads a key file's text.
   *
   * @throws VaultException.InvalidInput if it is not one
   */
  public static ProviderKey parse(String text) {
    ProviderPublicKey.registerKeyTypes();
    List<String> lines = text.strip().lines().map(String::strip).toList();
    if (lines.size() != 3
        || !lines.get(0).equals(HEADER)
        || !lines.get(1).startsWith(SIGNING)
        || !lines.get(2).startsWith(ENCRYPTION)) {
      throw notOne();
    }
    try {
      return new ProviderKey(
          keyset(lines.get(1).substring(SIGNING.length())),
          keyset(lines.get(2).substring(ENCRYPTION.length())));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw notOne();
    }
  }

  private static KeysetHandle keyset(String base64) throws GeneralSecurityException {
    return TinkProtoKeysetFormat.parseKeyset(
        Base64.getDecoder().decode(base64), InsecureSecretKeyAccess.get());
  }

  private static VaultException.InvalidInput notOne() {
    return new VaultException.InvalidInput(
        "not a memvault provider key: give the key file `memvault provider keygen` wrote");
  }

  /** The text of the secret key file. */
  public String format() {
    return HEADER
        + "\n"
        + SIGNING
        + base64(signing)
        + "\n"
        + ENCRYPTION
        + base64(encryption)
        + "\n";
  }

  private static String base64(KeysetHandle keyset) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              TinkProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialize a keyset", e);
    }
  }

  public ProviderPublicKey publicKey() {
    try {
      return new ProviderPublicKey(
          TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
              signing.getPublicKeysetHandle(), RegistryConfiguration.get()),
          Hpke.publicKeyset(encryption));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialize a public keyset", e);
    }
  }

  /** A signature over {@code data}, as a device signs a challenge. */
  public byte[] sign(byte[] data) {
    try {
      return signer.sign(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  KeysetHandle encryptionKeyset() {
    return encryption;
  }

  @Override
  public String toString() {
    return "ProviderKey[redacted]";
  }
}
