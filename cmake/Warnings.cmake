# Warning and sanitizer flags shared by every target of the project.
add_library(lsmdb_flags INTERFACE)
target_compile_options(lsmdb_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter
  $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false -Wrestrict positives inside libstdc++'s string operator+
  # (GCC bug 105329), so the check is off for it.
  target_compile_options(lsmdb_flags INTERFACE -Wno-restrict)
endif()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # Lock rules checked by the compiler (docs/DESIGN.md §7).
  target_compile_options(lsmdb_flags INTERFACE -Wthread-safety)
endif()
if(LSMDB_WERROR)
  target_compile_options(lsmdb_flags INTERFACE -Werror)
endif()
if(LSMDB_SANITIZE)
  string(REPLACE ";" "," _san "${LSMDB_SANITIZE}")
  target_compile_options(lsmdb_flags INTERFACE -fsanitize=${_san} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(lsmdb_flags INTERFACE -fsanitize=${_san})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # The sanitizers' instrumentation makes GCC 12 report -Wmaybe-uninitialized
    # inside libstdc++ (std::regex, std::function moves) where no read of an
    # unset value exists; the sanitizer build checks that at run time instead.
    target_compile_options(lsmdb_flags INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
# SSE4.2 for hardware CRC32C is chosen at run time (src/util/crc32c.cc).
