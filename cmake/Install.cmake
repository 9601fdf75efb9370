include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# lsmdb::lsmdb_static is a C++ archive: a consumer that links it with the C compiler (a
# C-only project) needs the C++ runtime named. The shared lsmdb::lsmdb carries its own.
target_link_libraries(lsmdb_static INTERFACE $<INSTALL_INTERFACE:stdc++> $<INSTALL_INTERFACE:m>)

install(DIRECTORY include/lsmdb DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS lsmdb lsmdb_static EXPORT lsmdbTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT lsmdbTargets NAMESPACE lsmdb:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lsmdb)
configure_package_config_file(cmake/lsmdbConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/lsmdbConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lsmdb)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/lsmdbConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lsmdbConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/lsmdbConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lsmdb)
# lsmdb.pc finds the prefix from its own place (${pcfiledir}): one "../" per component
# of LIBDIR/pkgconfig.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  message(FATAL_ERROR "lsmdb.pc needs a relative CMAKE_INSTALL_LIBDIR, not ${CMAKE_INSTALL_LIBDIR}")
endif()
string(REGEX REPLACE "[^/]+" ".." LSMDB_PC_TO_PREFIX "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
configure_file(cmake/lsmdb.pc.in ${CMAKE_CURRENT_BINARY_DIR}/lsmdb.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lsmdb.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(LSMDB_BUILD_TOOLS)
  install(TARGETS lsmdb_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES docs/lsmdb.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES docs/CLI.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()
