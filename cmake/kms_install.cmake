# `cmake --install BUILD --prefix P`: the SDK (public headers, kms_core, kms_sdk and the CMake
# package `kms`: find_package(kms CONFIG) + kms::sdk) and the binaries. Included at the end of
# the top-level CMakeLists.txt, after every target exists.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KMS_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/kms CACHE STRING
    "Where the kms CMake package files go, relative to the prefix")

# Headers: everything under kms/ but kms/internal/, plus the internal headers those include
# (transitively, e.g. secret_bytes.hpp for SecretBytes in model.hpp). The rest of kms/internal
# is shared by the emulator and the tests only and is not installed.
set(_kms_include_root ${PROJECT_SOURCE_DIR}/sdk/include)
file(GLOB_RECURSE _kms_headers CONFIGURE_DEPENDS RELATIVE ${_kms_include_root}
     ${_kms_include_root}/kms/*.hpp)
list(FILTER _kms_headers EXCLUDE REGEX "^kms/internal/")
set(_kms_queue ${_kms_headers})
while(_kms_queue)
  list(POP_FRONT _kms_queue _kms_header)
  file(STRINGS ${_kms_include_root}/${_kms_header} _kms_includes
       REGEX "^#include <kms/internal/[A-Za-z0-9_]+\\.hpp>")
  foreach(_kms_include IN LISTS _kms_includes)
    string(REGEX REPLACE "^#include <([^>]+)>.*" "\\1" _kms_include "${_kms_include}")
    if(NOT _kms_include IN_LIST _kms_headers)
      list(APPEND _kms_headers ${_kms_include})
      list(APPEND _kms_queue ${_kms_include})
    endif()
  endforeach()
endwhile()
foreach(_kms_header IN LISTS _kms_headers)
  get_filename_component(_kms_dir ${_kms_header} DIRECTORY)
  install(FILES ${_kms_include_root}/${_kms_header}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/${_kms_dir} COMPONENT sdk)
endforeach()

# Libraries (static) and the exported targets kms::core and kms::sdk.
if(TARGET kms_sdk)
  install(TARGETS kms_core kms_sdk EXPORT kmsTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk)
  install(EXPORT kmsTargets NAMESPACE kms:: DESTINATION ${KMS_INSTALL_CMAKEDIR} COMPONENT sdk)
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/kmsConfig.cmake.in
                                ${PROJECT_BINARY_DIR}/kmsConfig.cmake
                                INSTALL_DESTINATION ${KMS_INSTALL_CMAKEDIR})
  # 0.x: a minor version may break the API, so only the same major.minor matches.
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/kmsConfigVersion.cmake
                                   VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/kmsConfig.cmake ${PROJECT_BINARY_DIR}/kmsConfigVersion.cmake
          DESTINATION ${KMS_INSTALL_CMAKEDIR} COMPONENT sdk)
endif()

foreach(_kms_program IN ITEMS kms-emulator kmsctl kms-bench)
  if(TARGET ${_kms_program})
    install(TARGETS ${_kms_program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT bin)
  endif()
endforeach()
