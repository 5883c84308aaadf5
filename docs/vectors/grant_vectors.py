# Known answers for grants (docs/FORMAT.md, section 7.8), independent of memvault.
# Run: python3 docs/vectors/grant_vectors.py (needs the cryptography package, 45 or newer).
# Independent of memvault's code: the grant vectors of docs/FORMAT.md section 7.8.
import struct, hashlib, base64
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.hpke import Suite, KEM, KDF, AEAD
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

def canon(label, *fields):
    out = struct.pack('>I', len(label)) + label.encode()
    for f in fields:
        out += struct.pack('>I', len(f)) + f
    return out

vault = bytes(range(0x00, 0x10)); grant = bytes(range(0x50, 0x60)); scope = bytes(range(0x60, 0x70))
ctx = canon('memvault.sync.v1.grant-scope', vault, grant, scope)
name_ad = canon('memvault.v1.grant-name', vault, grant)
print('scope_context', ctx.hex())
print('name_ad', name_ad.hex())
link_hash = bytes(range(0x80, 0xa0))
ref = b'mvg1.' + base64.urlsafe_b64encode(vault + grant + struct.pack('>Q', 7) + link_hash).rstrip(b'=')
print('reference', ref.decode())

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
aes_key = bytes(range(0xa0, 0xc0))
aes_gcm_key = field(1, 0, 0) + field(3, 2, aes_key)
key_data = field(1, 2, b'type.googleapis.com/google.crypto.tink.AesGcmKey') + field(2, 2, aes_gcm_key) + field(3, 0, 2)
key = field(1, 2, key_data) + field(2, 0, 1) + field(3, 0, 42) + field(4, 0, 1)
keyset = field(1, 0, 42) + field(2, 2, key)
print('keyset', keyset.hex())
seed = bytes(range(0xc0, 0xe0))
priv = X25519PrivateKey.from_private_bytes(seed)
pub = priv.public_key()
suite = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
sealed = suite.encrypt(keyset, pub, info=ctx)
print('sealed', sealed.hex())
print('roundtrip', suite.decrypt(sealed, priv, info=ctx) == keyset)
# A Tink AES-GCM ciphertext under key 42: 0x01 || key id || nonce || ciphertext || tag, no AD.
nonce = bytes(range(0xe0, 0xec))
message = 0x01.to_bytes(1, 'big') + struct.pack('>I', 42) + nonce + AESGCM(aes_key).encrypt(nonce, b'granted', b'')
print('message', message.hex())
