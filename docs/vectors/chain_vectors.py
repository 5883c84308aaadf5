# Known answers for a device chain link (proto/README.md, "Device chain"), independent of memvault:
# the link's protobuf bytes written by hand, its signing input and its link hash.
# Run: python3 docs/vectors/chain_vectors.py
import struct, hashlib

def varint(n):
    out = b''
    while True:
        b = n & 0x7f; n >>= 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])
def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0: return key + varint(payload)
    return key + varint(len(payload)) + payload
def canon(label, *fields):
    out = struct.pack('>I', len(label)) + label.encode()
    for f in fields:
        out += struct.pack('>I', len(f)) + f
    return out

vault = bytes(range(0x00, 0x10)); device = bytes(range(0x20, 0x30)); grant = bytes(range(0x50, 0x60))
prev = bytes(range(0x90, 0xb0))
# DeviceLink{vault_id=1, seq=2, prev_hash=3, signer_device_id=6, created_at_ms=7, grant_revoked=12}
link = (field(1, 2, vault) + field(2, 0, 5) + field(3, 2, prev) + field(6, 2, device)
        + field(7, 0, 1765000000000) + field(12, 2, field(1, 2, grant)))
signature = bytes([0x01]) + bytes(range(0xc0, 0xc4)) + bytes([0x55]) * 64
print('link', link.hex())
print('signing_input', canon('memvault.sync.v1.device-link', link).hex())
print('link_hash', hashlib.sha256(canon('memvault.sync.v1.device-link-hash', link, signature, b'')).hexdigest())

# A signed first link (proto/README.md, "Device chain"): device 20..2f adds itself with the Ed25519
# key of seed a0..bf (Tink keyset, key id 0x0a0b0c0d, TINK prefix) and names the recovery public
# key that docs/FORMAT.md 11.4's recovery key (bytes 00..1f) derives; both sign. Ed25519 is
# deterministic, so the signatures are known answers too.
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes, serialization
def raw_public(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
device_key = Ed25519PrivateKey.from_private_bytes(bytes(range(0xa0, 0xc0)))
key_id = 0x0a0b0c0d
public_key_data = (field(1, 2, b'type.googleapis.com/google.crypto.tink.Ed25519PublicKey')
                   + field(2, 2, field(2, 2, raw_public(device_key))) + field(3, 0, 3))
public_keyset = field(1, 0, key_id) + field(2, 2, field(1, 2, public_key_data) + field(2, 0, 1)
                                             + field(3, 0, key_id) + field(4, 0, 1))
recovery_seed = HKDF(hashes.SHA256(), 32, None, b'memvault.v1 recovery signing key').derive(
    bytes(range(0x00, 0x20)))
recovery_key = Ed25519PrivateKey.from_private_bytes(recovery_seed)
first = (field(1, 2, vault) + field(2, 0, 1) + field(3, 2, bytes(32))
         + field(4, 2, field(1, 2, device) + field(2, 2, public_keyset)
                 + field(3, 2, raw_public(recovery_key)))
         + field(6, 2, device) + field(7, 0, 1765000000000))
first_input = canon('memvault.sync.v1.device-link', first)
first_signature = bytes([0x01]) + struct.pack('>I', key_id) + device_key.sign(first_input)
first_recovery_signature = recovery_key.sign(first_input)
print('first_link', first.hex())
print('first_signature', first_signature.hex())
print('first_recovery_signature', first_recovery_signature.hex())
print('first_link_hash', hashlib.sha256(canon('memvault.sync.v1.device-link-hash', first,
                                              first_signature, first_recovery_signature)).hexdigest())
