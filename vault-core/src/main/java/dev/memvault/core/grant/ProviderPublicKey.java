package dev.memvault.core.grant;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.memvault.core.VaultException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * An AI provider's public keys, as the person receives them (the {@code .pub} file of {@code
 * provider keygen}): the Ed25519 keyset it signs in with and the HPKE keyset granted scope keys are
 * sealed to. Neither holds secret material; {@link #parse} refuses any that does.
 */
public final class ProviderPublicKey {
  static final String HEADER = "memvault-provider-public-key 1";
  private static final String SIGNING = "signing-public-keyset ";
  private static final String ENCRYPTION = "encryption-public-keyset ";

  static {
    try {
      SignatureConfig.register();
      HybridConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final byte[] signingPublicKeyset;
  private final byte[] encryptionPublicKeyset;

  /** Registers Tink's Ed25519 and HPKE key types (this class's initializer does). */
  static void registerKeyTypes() {}

  ProviderPublicKey(byte[] signingPublicKeyset, byte[] encryptionPublicKeyset) {
    this.signingPublicKeyset = signingPublicKeyset.clone();
    this.encryptionPublicKeyset = encryptionPublicKeyset.clone();
  }

  /**
   * Reads a public key file's text.
   *
   * @throws VaultException.InvalidInput if it is not one, or holds keys memvault cannot use
   */
  public static ProviderPublicKey parse(String text) {
    List<String> lines = text.strip().lines().map(String::strip).toList();
    if (lines.size() != 3
        || !lines.get(0).equals(HEADER)
        || !lines.get(1).startsWith(SIGNING)
        || !lines.get(2).startsWith(ENCRYPTION)) {
      throw notOne();
    }
    try {
      byte[] signing = Base64.getDecoder().decode(lines.get(1).substring(SIGNING.length()));
      byte[] encryption = Base64.getDecoder().decode(lines.get(2).substring(ENCRYPTION.length()));
      KeysetHandle verify =
          TinkProtoKeysetFormat.parseKeysetWithoutSecret(signing, RegistryConfiguration.get());
      verify.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
      TinkProtoKeysetFormat.parseKeysetWithoutSecret(encryption, RegistryConfiguration.get())
          .getPrimitive(RegistryConfiguration.get(), com.google.crypto.tink.HybridEncrypt.class);
      return new ProviderPublicKey(signing, encryption);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw notOne();
    }
  }

  private static VaultException.InvalidInput notOne() {
    return new VaultException.InvalidInput(
        "not a memvault provider public key: give the .pub file `memvault provider keygen` wrote");
  }

  /** The text of a public key file. */
  public String format() {
    return HEADER
        + "\n"
        + SIGNING
        + Base64.getEncoder().encodeToString(signingPublicKeyset)
        + "\n"
        + ENCRYPTION
        + Base64.getEncoder().encodeToString(encryptionPublicKeyset)
        + "\n";
  }

  public byte[] signingPublicKeyset() {
    return signingPublicKeyset.clone();
  }

  public byte[] encryptionPublicKeyset() {
    return encryptionPublicKeyset.clone();
  }

  /**
   * 16 hex digits of SHA-256 over both keysets: what the person compares with the provider's to
   * know the file is the provider's.
   */
  public String fingerprint() {
    return fingerprint(signingPublicKeyset, encryptionPublicKeyset);
  }

  /** The fingerprint of a provider's two public keysets, as {@link #fingerprint()}. */
  public static String fingerprint(byte[] signing, byte[] encryption) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("memvault.v1.provider-fingerprint".getBytes(StandardCharsets.US_ASCII));
      sha.update(signing);
      sha.update(encryption);
      return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(), 8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ProviderPublicKey[" + fingerprint() + "]";
  }
}
