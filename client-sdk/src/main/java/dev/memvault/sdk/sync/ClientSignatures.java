package dev.memvault.sdk.sync;

import com.google.crypto.tink.signature.SignatureConfig;
import com.google.protobuf.ByteString;
import dev.memvault.protocol.DeviceChain;
import dev.memvault.protocol.DeviceSignatureVerifier;
import java.security.GeneralSecurityException;

/** Signature checks of device chains on the client (the rules are {@link DeviceChain}'s). */
enum ClientSignatures implements DeviceChain.Signatures {
  INSTANCE;

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public boolean verifiesDevice(ByteString signingPublicKeyset, byte[] signature, byte[] data) {
    try {
      DeviceSignatureVerifier.of(signingPublicKeyset).verify(signature, data);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public boolean verifiesRecovery(byte[] recoveryPublicKey, byte[] signature, byte[] data) {
    return DeviceSignatureVerifier.verifiesRawKey(recoveryPublicKey, signature, data);
  }
}
