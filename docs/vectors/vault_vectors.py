# Known answers for the local vault's keys and header (docs/FORMAT.md, sections 11.3 to 11.10),
# independent of memvault: Argon2id, HKDF, HMAC and AES-GCM from Python's hashlib, hmac and
# cryptography; the protobuf bytes written by hand.
# Run: python3 docs/vectors/vault_vectors.py (needs the cryptography package, 44 or newer).
import hashlib, hmac, struct, unicodedata
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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
def u32(n): return struct.pack('>I', n)
def u64(n): return struct.pack('>Q', n)
def hkdf(ikm, salt, info):
    return HKDF(hashes.SHA256(), 32, salt, info.encode()).derive(ikm)
def gcm(key, nonce, plain, ad):
    return nonce + AESGCM(key).encrypt(nonce, plain, ad)
def show(name, data):
    print(name, data.hex())

vault = bytes.fromhex('00112233445566778899aabbccddeeff')
device = bytes.fromhex('d0d1d2d3d4d5d6d7d8d9dadbdcdddedf')
scope = bytes.fromhex('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf')
salt = bytes(range(0x00, 0x10)); m, t, p = 65536, 3, 1
root = bytes(range(0x60, 0x80))
database_key = bytes(range(0x80, 0xa0))
recovery = bytes(range(0x00, 0x20))
created_at = 1645557742

# 11.3: the passphrase key and its wrap's associated data.
password = unicodedata.normalize('NFC', 'Cafe\u0301 au lait').encode()
passphrase_key = Argon2id(salt=salt, length=32, iterations=t, lanes=p, memory_cost=m).derive(password)
show('passphrase_key', passphrase_key)
passphrase_ad = canon('memvault.v1.root-key.passphrase', vault, b'argon2id', u32(m), u32(t), u32(p), salt)
show('passphrase_ad', passphrase_ad)

# 11.4: the recovery wrapping key.
recovery_key = hkdf(recovery, vault, 'memvault.v1 recovery key wrap')
show('recovery_wrapping_key', recovery_key)
recovery_ad = canon('memvault.v1.root-key.recovery', vault)

# 11.7: the three wraps of the header, each with a fixed nonce.
database_ad = canon('memvault.v1.database-key', vault, device)
by_passphrase = gcm(passphrase_key, bytes(range(0xb0, 0xbc)), root, passphrase_ad)
by_recovery = gcm(recovery_key, bytes(range(0xc0, 0xcc)), root, recovery_ad)
wrapped_database_key = gcm(root, bytes(range(0xe0, 0xec)), database_key, database_ad)
show('root_key_by_passphrase', by_passphrase)
show('root_key_by_recovery', by_recovery)
show('database_key', wrapped_database_key)

# 11.8: the header's integrity tag and the whole vault.header.
tag_input = canon('memvault.v1.header', u32(1), vault, device, b'argon2id', u32(m), u32(t), u32(p),
                  salt, by_passphrase, by_recovery, wrapped_database_key, u64(created_at))
tag = hmac.new(hkdf(root, vault, 'memvault.v1 header integrity'), tag_input, hashlib.sha256).digest()
show('integrity_tag', tag)
kdf = field(1, 2, b'argon2id') + field(2, 0, m) + field(3, 0, t) + field(4, 0, p) + field(5, 2, salt)
body = (field(1, 0, 1) + field(2, 2, vault) + field(3, 2, device) + field(4, 2, kdf)
        + field(5, 2, by_passphrase) + field(6, 2, by_recovery) + field(7, 2, wrapped_database_key)
        + field(8, 0, created_at) + field(9, 2, tag))
header = b'MVAULT01' + body + hashlib.sha256(b'MVAULT01' + body).digest()
show('vault.header', header)

# 11.9: a scope keyset (one AES-256-GCM key: 11.2's) encrypted under the root key.
aes_gcm_key = field(3, 2, bytes(range(0x40, 0x60)))
key_data = (field(1, 2, b'type.googleapis.com/google.crypto.tink.AesGcmKey') + field(2, 2, aes_gcm_key)
            + field(3, 0, 1))
keyset = field(1, 0, 0x12345678) + field(2, 2, field(1, 2, key_data) + field(2, 0, 1)
                                          + field(3, 0, 0x12345678) + field(4, 0, 1))
show('keyset', keyset)
keyset_ad = canon('memvault.v1.scope-keyset', vault, scope)
show('encrypted_keyset', field(2, 2, gcm(root, bytes(range(0xf0, 0xfc)), keyset, keyset_ad)))

# 11.10: the scope id of the name "work", and that name sealed for scope a0..af.
scope_id = hmac.new(hkdf(root, vault, 'memvault.v1 scope id'),
                    canon('memvault.v1.scope-id', b'work'), hashlib.sha256).digest()[:16]
show('scope_id(work)', scope_id)
show('encrypted_name', gcm(root, bytes(range(0x10, 0x1c)), b'work',
                           canon('memvault.v1.scope-name', vault, scope)))
