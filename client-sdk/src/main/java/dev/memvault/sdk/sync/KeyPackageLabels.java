package dev.memvault.sdk.sync;

import dev.memvault.protocol.CanonicalEncoding;

/**
 * The labels of device linking's MACs and the HPKE context of its key package: the pairing id is in
 * the context, so that a package cannot be replayed into another pairing. The sealing itself
 * happens in vault-core ({@code dev.memvault.core.sync.KeyPackages}), where the root key is.
 */
final class KeyPackageLabels {
  static final String JOIN_REQUEST_LABEL = "memvault.sync.v1.join-request";
  static final String KEY_PACKAGE_LABEL = "memvault.sync.v1.key-package";

  private KeyPackageLabels() {}

  /** The HPKE context info of a key package for pairing {@code pairingId}. */
  static byte[] context(byte[] pairingId) {
    return CanonicalEncoding.encode(KEY_PACKAGE_LABEL, pairingId);
  }
}
