package dev.memvault.server.auth;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import dev.memvault.protocol.DeviceSignatureVerifier;
import dev.memvault.protocol.ErrorReason;
import dev.memvault.server.errors.RejectedException;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Devices' public signing keys: parses a device's Tink-serialized public keyset and verifies its
 * signatures. Only keysets of Ed25519 public keys are accepted; a keyset may hold several (key
 * rotation), and a signature verifies if it verifies under any of them (Tink's key-id prefixes
 * select the key). Parsed keysets are cached by their bytes.
 */
public final class DeviceKeys {
  private static final int CACHE_SIZE = 10_000;

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Map<ByteString, PublicKeyVerify> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, PublicKeyVerify> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  /**
   * The verifier of a public keyset.
   *
   * @throws RejectedException BAD_KEYSET if it is not a Tink keyset of Ed25519 public keys only
   */
  public PublicKeyVerify verifier(ByteString publicKeyset) {
    synchronized (cache) {
      PublicKeyVerify cached = cache.get(publicKeyset);
      if (cached != null) {
        return cached;
      }
    }
    PublicKeyVerify verifier = parse(publicKeyset);
    synchronized (cache) {
      cache.put(publicKeyset, verifier);
    }
    return verifier;
  }

  /** Whether {@code signature} over {@code data} verifies under the keyset. */
  public boolean verifies(ByteString publicKeyset, byte[] signature, byte[] data) {
    try {
      verifier(publicKeyset).verify(signature, data);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static PublicKeyVerify parse(ByteString publicKeyset) {
    if (!DeviceSignatureVerifier.isEd25519PublicKeyset(publicKeyset)) {
      throw new RejectedException(ErrorReason.BAD_KEYSET);
    }
    try {
      return DeviceSignatureVerifier.of(publicKeyset);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new RejectedException(ErrorReason.BAD_KEYSET);
    }
  }
}
