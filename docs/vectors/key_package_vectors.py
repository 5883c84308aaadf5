# Known answers for a sealed key package (proto/README.md, "Device linking"), independent of
# memvault: the KeyPackage's protobuf bytes written by hand, HPKE (DHKEM X25519, HKDF-SHA256,
# AES-256-GCM) and HMAC-SHA256 from Python's cryptography and hmac.
# Run: python3 docs/vectors/key_package_vectors.py (needs the cryptography package, 45 or newer).
# HPKE sealing is randomized: each run prints another ciphertext (and MAC) that opens the same way.
import hashlib, hmac, struct
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.hpke import Suite, KEM, KDF, AEAD

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

pairing_id = bytes(range(0x70, 0x78)); secret = bytes(range(0x78, 0x84))
alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
bits = int.from_bytes(pairing_id + secret, 'big')
chars = ''.join(alphabet[(bits >> (5 * (31 - i))) & 31] for i in range(32))
print('pairing_code', '-'.join(chars[i:i + 4] for i in range(0, 32, 4)))
# The vault of docs/FORMAT.md 11.7: its root key and recovery wrap; one later epoch key.
key_package = (field(1, 2, bytes.fromhex('00112233445566778899aabbccddeeff'))
               + field(2, 2, bytes(range(0x60, 0x80)))
               + field(3, 2, bytes.fromhex(
                   'c0c1c2c3c4c5c6c7c8c9cacb00459d92a5b99e4ca52bd96e39167e6910863e36'
                   'fd062cc89357f92931991fe4f69f3f7dbbb8873e7ae117ec3f126947'))
               + field(4, 0, 2) + field(5, 2, bytes(range(0x90, 0xb0)))
               + field(6, 2, b'memvault-sync.example')
               + field(7, 2, field(1, 0, 1) + field(2, 2, bytes(range(0x40, 0x60))))
               + field(9, 2, bytes(32)))  # log_seq 0 is not written
print('key_package', key_package.hex())
context = canon('memvault.sync.v1.key-package', pairing_id)
print('context', context.hex())
recipient = X25519PrivateKey.from_private_bytes(bytes(range(0xd0, 0xf0)))
suite = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
ciphertext = suite.encrypt(key_package, recipient.public_key(), info=context)
print('ciphertext', ciphertext.hex())
print('mac', hmac.new(secret, canon('memvault.sync.v1.key-package', pairing_id, ciphertext),
                      hashlib.sha256).hexdigest())
