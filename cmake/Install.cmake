include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

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
configure_file(cmake/lsmdb.pc.in ${CMAKE_CURRENT_BINARY_DIR}/lsmdb.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lsmdb.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(LSMDB_BUILD_TOOLS)
  install(TARGETS lsmdb_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
