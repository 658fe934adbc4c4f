# CMake package of libvalidate, installed by ffi/install.sh as
# PREFIX/lib/cmake/validate/validateConfig.cmake. Use:
#   find_package(validate REQUIRED)       # with CMAKE_PREFIX_PATH=PREFIX
#   target_link_libraries(app PRIVATE validate::validate)          # shared
#   target_link_libraries(app PRIVATE validate::validate_static)   # static
get_filename_component(_validate_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET validate::validate)
  add_library(validate::validate SHARED IMPORTED)
  set_target_properties(validate::validate PROPERTIES
    IMPORTED_LOCATION "${_validate_prefix}/lib/libvalidate.so"
    INTERFACE_INCLUDE_DIRECTORIES "${_validate_prefix}/include")
endif()
if(NOT TARGET validate::validate_static)
  add_library(validate::validate_static STATIC IMPORTED)
  set_target_properties(validate::validate_static PROPERTIES
    IMPORTED_LOCATION "${_validate_prefix}/lib/libvalidate.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_validate_prefix}/include"
    INTERFACE_LINK_LIBRARIES "pthread;dl;m")
endif()
unset(_validate_prefix)
