# `cmake --install BUILD` (or `make install`): the daemon, its unit, users and default config in
# the usual Debian places. Override the prefix with CMAKE_INSTALL_PREFIX (default /usr/local);
# the unit expects /usr/bin/confabd, so packagers install with --prefix /usr.
include(GNUInstallDirs)

install(TARGETS confabd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES config/confab.toml DESTINATION /etc/confab)
install(FILES systemd/confabd.service DESTINATION lib/systemd/system)
install(FILES systemd/confab.sysusers.conf DESTINATION lib/sysusers.d RENAME confab.conf)
install(FILES systemd/confab.tmpfiles.conf DESTINATION lib/tmpfiles.d RENAME confab.conf)
