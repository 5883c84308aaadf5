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
