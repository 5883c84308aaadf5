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

# 11.11: a whole backup file (section 13) of that vault holding 11.1's memory in 11.2's envelope,
# scope a0..af named "work" with 11.9's keyset, one tag; segment size 4096, one segment.
envelope = bytes.fromhex(
    '0801121000112233445566778899aabbccddeeff1a10a0a1a2a3a4a5a6a7a8a9aaabacadaeaf2210017f22e2'
    '79b07cc398c4dc0c0c07398f28013210d0d1d2d3d4d5d6d7d8d9dadbdcdddedf3aa102011234567800010203'
    '0405060708090a0b3a056c007da87491f574b2f0dddfe18cbaa61d245b2fce60c319d0f5759c0d3d7013f462'
    '8b753846887e6a9b36c4a59b311d282886367e4256f1f4953c003a94af10dad998c443bcfc19ddc7717ffe15'
    'c3c9e0fa28c868418953916314705733e2f4849a6f8c540d73c5f8cb0fd1a2902d8c1002a9046358fa1b6183'
    '7161e04f751e54133885fcf6e035d36eda031213398cc90b8b627f645d755319d368bcfceea59de69172c5b4'
    '21f35e262641fd733e6e6921d059d3068a524e3f86c72e8757ef995a1c1ef0eee7c88300f6166a12ca15441d'
    '92f9697d792c7fa6b078e1c786cf37fe1854ec63fb727acb50bac05ddfb3ea8bd3be0eed4ac274d4983a7138'
    '35e5d80f807193506e1d5d9020941c4d')
encrypted_keyset = field(2, 2, gcm(root, bytes(range(0xf0, 0xfc)), keyset, keyset_ad))
payload_salt = bytes(range(0x20, 0x40)); segment_size = 4096
h = field(1, 0, 1) + field(2, 2, body) + field(3, 2, payload_salt) + field(4, 0, segment_size)
millis = created_at * 1000
records = [
    field(1, 2, field(1, 2, b'vault_id') + field(2, 2, vault)),
    field(2, 2, field(1, 2, scope) + field(2, 2, b'work') + field(3, 2, encrypted_keyset)
          + field(4, 0, millis)),
    field(3, 2, field(1, 0, 1) + field(2, 2, b'017f22e2-79b0-7cc3-98c4-dc0c0c07398f')
          + field(3, 2, scope) + field(4, 0, 2) + field(6, 0, millis) + field(7, 0, millis)
          + field(8, 0, 1) + field(10, 2, envelope)),
    field(5, 2, field(1, 2, b'units') + field(2, 0, 1)),
    field(7, 2, field(1, 0, 1) + field(2, 0, 1) + field(3, 0, 1) + field(5, 0, 1)),
]
plaintext = b''.join(u32(len(r)) + r for r in records)
assert len(plaintext) <= segment_size - 40 - 16, 'one segment'
payload_key = hkdf(root, payload_salt, 'memvault.v1 backup payload')
show('payload_key', payload_key)
ad = canon('memvault.v1.backup', h)
stream_salt = bytes(range(0x40, 0x60)); nonce_prefix = bytes(range(0x60, 0x67))
segment_key = HKDF(hashes.SHA256(), 32, stream_salt, ad).derive(payload_key)
show('segment_key', segment_key)
segment_0 = AESGCM(segment_key).encrypt(nonce_prefix + u32(0) + b'\x01', plaintext, None)
backup = b'MVBACK01' + u32(len(h)) + h + bytes([0x28]) + stream_salt + nonce_prefix + segment_0
show('backup', backup)
