// Background lifecycle work the server's 1-second timer runs beside the deletion sweep: automatic
// key rotation when it falls due on the emulator clock, and expiry of imported key material.
#pragma once

#include <cstddef>
#include <cstdint>
#include <kms/result.hpp>

#include "store/key_store.hpp"

namespace kms::emulator {

// Rotates every key whose automatic rotation is due at `now_ms` (IsRotationDue): new material
// becomes current, the old stays for decryption, the rotation is recorded as AUTOMATIC and the
// next date moves one period past `now_ms` (a clock jump over several periods rotates once).
// Returns how many keys rotated; the first store error stops the sweep. Thread-safe.
Result<size_t> RotateDueKeys(KeyStore& store, int64_t now_ms);

// Deletes every imported key material whose ValidTo is at or before `now_ms` (AWS: the key then
// returns to PendingImport until the same material is imported again; a key pending deletion
// keeps its state). Returns how many keys lost material; the first store error stops the sweep.
// Thread-safe.
Result<size_t> ExpireImportedMaterial(KeyStore& store, int64_t now_ms);

}  // namespace kms::emulator
