package dev.memvault.protocol;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.subtle.Ed25519Verify;
import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies a device's signatures with Bouncy Castle's Ed25519, faster than Tink's pure-Java one
 * (docs/PERFORMANCE.md), accepting exactly what Tink accepts. Keys, their status and their output
 * prefixes come from the device's Tink keyset and are applied as Tink's own verifier applies them:
 * a signature is the key's output prefix (5 bytes for the TINK variant, none for NO_PREFIX)
 * followed by the 64-byte signature over the data. A keyset with a key of another variant is
 * verified by Tink itself.
 *
 * <p>Each key is decoded to its curve point once, when the verifier is made, rather than once per
 * signature. Bouncy Castle's verification from the decoded point is the same check as from the
 * key's bytes; a key that its full validation refuses, or whose point does not encode back to the
 * same bytes, is kept as bytes and checked from them, so that exactly the same signatures verify
 * either way.
 */
public final class DeviceSignatureVerifier implements PublicKeyVerify {
  private static final int SIGNATURE_BYTES = 64;

  /** {@code point} is null when the key is checked from its bytes, as Ed25519.verify does. */
  private record Key(byte[] outputPrefix, byte[] publicKey, Ed25519.PublicPoint point) {
    boolean verifies(byte[] signature, byte[] data) {
      int offset = outputPrefix.length;
      return point != null
          ? Ed25519.verify(signature, offset, point, data, 0, data.length)
          : Ed25519.verify(signature, offset, publicKey, 0, data, 0, data.length);
    }
  }

  private final List<Key> keys;

  private DeviceSignatureVerifier(List<Key> keys) {
    this.keys = keys;
  }

  /**
   * @throws GeneralSecurityException if the keyset is not a Tink keyset of public keys
   */
  public static PublicKeyVerify of(ByteString publicKeyset) throws GeneralSecurityException {
    KeysetHandle handle =
        TinkProtoKeysetFormat.parseKeysetWithoutSecret(
            publicKeyset.toByteArray(), RegistryConfiguration.get());
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < handle.size(); i++) {
      KeysetHandle.Entry entry = handle.getAt(i);
      if (entry.getStatus() != KeyStatus.ENABLED) {
        continue;
      }
      if (!(entry.getKey() instanceof Ed25519PublicKey key)
          || !(key.getParameters().getVariant() == Ed25519Parameters.Variant.TINK
              || key.getParameters().getVariant() == Ed25519Parameters.Variant.NO_PREFIX)) {
        return handle.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
      }
      byte[] publicKey = key.getPublicKeyBytes().toByteArray();
      keys.add(new Key(key.getOutputPrefix().toByteArray(), publicKey, decoded(publicKey)));
    }
    if (keys.isEmpty()) {
      throw new GeneralSecurityException("the keyset has no enabled key");
    }
    return new DeviceSignatureVerifier(List.copyOf(keys));
  }

  /** The key's point, or null if it is to be checked from its bytes at each verification. */
  private static Ed25519.PublicPoint decoded(byte[] publicKey) {
    if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
      return null;
    }
    Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(publicKey, 0);
    if (point == null) {
      return null;
    }
    byte[] encoded = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.encodePublicPoint(point, encoded, 0);
    return Arrays.equals(encoded, publicKey) ? point : null;
  }

  /**
   * Whether {@code publicKeyset} is a Tink keyset of Ed25519 public keys only, as a device's must
   * be.
   */
  public static boolean isEd25519PublicKeyset(ByteString publicKeyset) {
    try {
      KeysetHandle handle =
          TinkProtoKeysetFormat.parseKeysetWithoutSecret(
              publicKeyset.toByteArray(), RegistryConfiguration.get());
      for (int i = 0; i < handle.size(); i++) {
        if (!(handle.getAt(i).getKey().getParameters() instanceof Ed25519Parameters)) {
          return false;
        }
      }
      return handle.size() > 0;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether {@code signature} over {@code data} verifies under a raw 32-byte Ed25519 key (the
   * recovery key's).
   */
  public static boolean verifiesRawKey(byte[] publicKey, byte[] signature, byte[] data) {
    try {
      new Ed25519Verify(publicKey).verify(signature, data);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void verify(byte[] signature, byte[] data) throws GeneralSecurityException {
    for (Key key : keys) {
      byte[] prefix = key.outputPrefix();
      if (signature.length == prefix.length + SIGNATURE_BYTES
          && Arrays.equals(signature, 0, prefix.length, prefix, 0, prefix.length)
          && key.verifies(signature, data)) {
        return;
      }
    }
    throw new GeneralSecurityException("signature does not verify");
  }
}
