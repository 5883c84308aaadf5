# Known answers for key epochs (docs/FORMAT.md, section 7.6), independent of memvault.
# Run: python3 docs/vectors/epoch_vectors.py (needs the cryptography package, 45 or newer).
import struct
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.hpke import Suite, KEM, KDF, AEAD
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

def canon(label, *fields):
    out = struct.pack('>I', len(label)) + label.encode()
    for f in fields:
        out += struct.pack('>I', len(f)) + f
    return out

vault = bytes(range(0x00, 0x10)); device = bytes(range(0x20, 0x30)); epoch = 1
to_device = canon('memvault.sync.v1.epoch-key', vault, struct.pack('>I', epoch), device)
to_recovery = canon('memvault.sync.v1.epoch-key.recovery', vault, struct.pack('>I', epoch))
previous_ad = canon('memvault.v1.epoch-key.previous', vault, struct.pack('>I', epoch))
print('device_context', to_device.hex())
print('recovery_context', to_recovery.hex())
print('previous_ad', previous_ad.hex())
epoch_key = bytes(range(0x40, 0x60)); previous_key = bytes(range(0x60, 0x80))
seed = bytes(range(0xd0, 0xf0))
device_key = X25519PrivateKey.from_private_bytes(seed)
suite = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
# HPKE sealing is randomized: each run prints another sealed key that opens the same way.
print('sealed_key', suite.encrypt(epoch_key, device_key.public_key(), info=to_device).hex())
nonce = bytes(range(0x80, 0x8c))
print('previous_key', (nonce + AESGCM(epoch_key).encrypt(nonce, previous_key, previous_ad)).hex())
