# `cmake --install` / `make install`: filled in with the daemon.
