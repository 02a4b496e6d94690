#!/usr/bin/env python3
"""Made tests/data/ciphertext_blob_v1.json ONCE, from the layout documented in
emulator/src/domain/ciphertext_blob.hpp, independently of the C++ code. Never regenerate it: the
JSON is the promise that v1 blobs decrypt in every later version. Kept to show how it was made."""
import base64
import json
import os
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = bytes([0x28, 0xC4, 0x9E])


def encode_context(context):
    items = sorted((k.encode(), v.encode()) for k, v in context.items())
    out = struct.pack(">I", len(items))
    for k, v in items:
        out += struct.pack(">I", len(k)) + k + struct.pack(">I", len(v)) + v
    return out


def seal(arn, material_id_hex, key, iv, context, plaintext):
    header = MAGIC + b"\x01" + struct.pack(">H", len(arn)) + arn.encode()
    header += bytes.fromhex(material_id_hex) + iv
    sealed = AESGCM(key).encrypt(iv, plaintext, header + encode_context(context))
    return header + sealed  # ciphertext || tag


def entry(name, arn, context, plaintext):
    key, iv = os.urandom(32), os.urandom(12)
    material_id = os.urandom(32).hex()
    blob = seal(arn, material_id, key, iv, context, plaintext)
    return {
        "name": name,
        "key_arn": arn,
        "key_material_hex": key.hex(),
        "key_material_id": material_id,
        "encryption_context": context,
        "iv_hex": iv.hex(),
        "plaintext_base64": base64.b64encode(plaintext).decode(),
        "ciphertext_blob_base64": base64.b64encode(blob).decode(),
    }


if __name__ == "__main__":
    doc = {
        "format": "kms-emulator CiphertextBlob v1 (emulator/src/domain/ciphertext_blob.hpp)",
        "blobs": [
            entry("uuid key with context",
                  "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                  {"Department": "Finance", "a": "b", "\u00fcmlaut": "\u00f6", "empty": ""},
                  b"golden plaintext, v1"),
            entry("multi-Region key without context",
                  "arn:aws:kms:eu-west-1:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab",
                  {}, bytes(range(32))),
        ],
    }
    print(json.dumps(doc, indent=2, ensure_ascii=False))
