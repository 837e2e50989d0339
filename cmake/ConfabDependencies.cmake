# Every third-party library comes from Debian 12 packages (scripts/install-deps).

find_package(Threads REQUIRED)
find_package(absl REQUIRED)
find_package(fmt REQUIRED)

# What the fuzzers need too (tests/fuzz: smpp/, config/ and the daemon's input decoders).
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS system json)
find_package(tomlplusplus REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)
find_package(PkgConfig REQUIRED)
# A stable 64-bit hash for what is persisted (absl::Hash is salted per process).
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)

# libphonenumber ships no CMake or pkg-config file in Debian 12.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
find_library(GEOCODING_LIBRARY geocoding REQUIRED)
add_library(confab_phonenumber INTERFACE)
target_include_directories(confab_phonenumber SYSTEM INTERFACE ${PHONENUMBER_INCLUDE_DIR})
target_link_libraries(confab_phonenumber INTERFACE ${GEOCODING_LIBRARY} ${PHONENUMBER_LIBRARY})
add_library(confab::phonenumber ALIAS confab_phonenumber)

if(CONFAB_FUZZ)
  return()  # no RocksDB, Asio sessions, logging or test frameworks in the fuzz build
endif()

find_package(spdlog REQUIRED)
find_package(RocksDB REQUIRED CONFIG)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)

# Asio and Beast are header-only; one definition set for every TU that includes them.
add_library(confab_asio INTERFACE)
target_link_libraries(confab_asio INTERFACE Boost::headers Boost::system Threads::Threads)
target_compile_definitions(confab_asio INTERFACE BOOST_ASIO_NO_DEPRECATED
                                                 BOOST_ASIO_DISABLE_BOOST_COROUTINE)
add_library(confab::asio ALIAS confab_asio)

if(CONFAB_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(CONFAB_BENCH)
  find_package(benchmark REQUIRED)
endif()
