package dev.memvault.sdk.sync;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.subtle.Ed25519Verify;
import com.google.protobuf.ByteString;
import dev.memvault.proto.sync.DeviceChain;
import dev.memvault.proto.sync.DeviceSignatureVerifier;
import java.security.GeneralSecurityException;

/** Signature checks of device chains on the client: Tink keysets for devices, raw Ed25519 for the recovery key. */
enum ClientSignatures implements DeviceChain.Signatures {
  INSTANCE;

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The verifier of a device's Tink-serialized public keyset. */
  static PublicKeyVerify verifier(ByteString publicKeyset) throws GeneralSecurityException {
    return DeviceSignatureVerifier.of(publicKeyset);
  }

  /** Whether {@code publicKeyset} is a Tink keyset of Ed25519 public keys, as a device's must be. */
  boolean isDeviceKeyset(ByteString publicKeyset) {
    try {
      var handle =
          TinkProtoKeysetFormat.parseKeysetWithoutSecret(
              publicKeyset.toByteArray(), RegistryConfiguration.get());
      for (int i = 0; i < handle.size(); i++) {
        if (!(handle.getAt(i).getKey().getParameters()
            instanceof com.google.crypto.tink.signature.Ed25519Parameters)) {
          return false;
        }
      }
      return handle.size() > 0;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public boolean verifiesDevice(ByteString signingPublicKeyset, byte[] signature, byte[] data) {
    try {
      verifier(signingPublicKeyset).verify(signature, data);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public boolean verifiesRecovery(byte[] recoveryPublicKey, byte[] signature, byte[] data) {
    try {
      new Ed25519Verify(recoveryPublicKey).verify(signature, data);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
