# -DKMS_STATIC=ON: release binaries (kms-emulator, kmsctl, kms-bench) that run on other x86-64
# Linux distributions. Included before the find_package calls of the top-level CMakeLists.txt.
#
# Everything but glibc (and libgcc_s) is linked statically: libstdc++, OpenSSL, SQLite, zstd,
# Boost.JSON (Debian 12 ships the .a files in libstdc++-12-dev, libssl-dev, libsqlite3-dev,
# libzstd-dev and libboost-json1.81-dev). glibc stays dynamic because both programs resolve host names with
# getaddrinfo (kmsctl's endpoint, the emulator's --host when it is not an IP literal), which in a
# fully static glibc loads the build machine's NSS modules at run time. libgcc_s.so.1 (on every
# glibc system) stays dynamic too: the static unwinder of GCC 12 needs _dl_find_object (glibc
# 2.35), and static_glibc_compat.cpp replaces libstdc++'s use of arc4random (glibc 2.36), so the
# programs need glibc 2.34 or later (Debian 12, Ubuntu 22.04, RHEL 9, Amazon Linux 2023, ...):
# tests/packaging/static_test.py checks it.
option(KMS_STATIC "Link libstdc++, OpenSSL, SQLite, zstd and Boost.JSON statically (portable binaries)"
       OFF)
if(NOT KMS_STATIC)
  return()
endif()

set(Boost_USE_STATIC_LIBS ON)
set(OPENSSL_USE_STATIC_LIBS TRUE)
# FindSQLite3 has no static switch: prefer .a for every find_library from here on.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
# A tree first configured without KMS_STATIC has the shared libraries cached.
foreach(_kms_var IN ITEMS SQLite3_LIBRARY OPENSSL_CRYPTO_LIBRARY OPENSSL_SSL_LIBRARY ZSTD_LIBRARY)
  if(DEFINED CACHE{${_kms_var}} AND NOT "$CACHE{${_kms_var}}" MATCHES "\\.a$")
    unset(${_kms_var} CACHE)
  endif()
endforeach()
add_link_options(-static-libstdc++)
# Compile exactly as the shared Release tree does, so ccache answers every compile of a static tree
# and only linking costs time: Boost's shared imported targets add these two definitions. On ELF
# they only choose BOOST_SYMBOL_IMPORT for declarations, which GCC and Clang define as nothing.
add_compile_definitions(BOOST_CONTAINER_DYN_LINK BOOST_JSON_DYN_LINK)

# The shipped programs get static_glibc_compat.cpp, once every target exists.
function(_kms_static_glibc_compat)
  foreach(_kms_program IN ITEMS kms-emulator kmsctl kms-bench)
    if(TARGET ${_kms_program})
      target_sources(${_kms_program} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/static_glibc_compat.cpp)
    endif()
  endforeach()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL _kms_static_glibc_compat)
# What the static OpenSSL and SQLite need from glibc, last on every link line.
string(APPEND CMAKE_CXX_STANDARD_LIBRARIES " -lm -ldl -pthread")
