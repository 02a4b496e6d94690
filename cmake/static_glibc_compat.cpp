// Linked into the programs of a -DKMS_STATIC=ON build only (cmake/kms_static.cmake). The static
// libstdc++ of GCC 12 on glibc 2.36 calls arc4random (std::random_device), which would make the
// binaries need glibc 2.36; defined here over getrandom(2), they need only glibc 2.34.
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

extern "C" uint32_t arc4random() noexcept {
  uint32_t value = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&value);
  size_t filled = 0;
  while (filled < sizeof value) {
    ssize_t n = getrandom(bytes + filled, sizeof value - filled, 0);
    if (n > 0) {
      filled += static_cast<size_t>(n);
    } else if (errno != EINTR) {
      std::abort();  // as glibc's arc4random: no silent fallback to weak randomness
    }
  }
  return value;
}
