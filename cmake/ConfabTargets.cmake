# One place that says how a Confab target is built: warnings, sanitizers, include root.

set(CONFAB_WARNINGS -Wall -Wextra -Wshadow -Wsign-compare -Wnon-virtual-dtor -Woverloaded-virtual)

if(CONFAB_SANITIZE)
  set(CONFAB_SANITIZER_FLAGS -fsanitize=${CONFAB_SANITIZE} -fno-omit-frame-pointer
                             -fno-sanitize-recover=all)
endif()

# Applies the project's compile and link settings to one target.
function(confab_apply_settings target)
  target_compile_options(${target} PRIVATE ${CONFAB_WARNINGS})
  if(CONFAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(CONFAB_SANITIZER_FLAGS)
    target_compile_options(${target} PRIVATE ${CONFAB_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE ${CONFAB_SANITIZER_FLAGS})
  endif()
endfunction()

# Links jemalloc as `target`'s malloc (RocksDB's recommended allocator): the daemon and the
# simulator allocate for every message on several threads. At closed-w100 malloc and free were
# 7.2 % of the daemon's CPU samples with glibc and 4.1 % with jemalloc (bench/RESULTS.md). Not
# under sanitizers, which bring their own allocator. Defines CONFAB_JEMALLOC where it is linked.
function(confab_use_jemalloc target)
  if(NOT CONFAB_SANITIZE)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
    target_compile_definitions(${target} PRIVATE CONFAB_JEMALLOC)
  endif()
endfunction()

# confab_add_library(NAME SOURCES a.cc b.cc DEPS x y [PRIVATE_DEPS z])
# Declares confab_NAME with alias confab::NAME; headers are included as "NAME/file.h".
function(confab_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(confab_${name} STATIC ${ARG_SOURCES})
  add_library(confab::${name} ALIAS confab_${name})
  target_include_directories(confab_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(confab_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  confab_apply_settings(confab_${name})
endfunction()

# confab_add_test(NAME SOURCES a_test.cc DEPS confab::x [LABELS slow])
# One GoogleTest executable, registered with CTest test by test.
function(confab_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  confab_apply_settings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 300)
endfunction()

# confab_add_bench(NAME SOURCES a_bench.cc DEPS confab::x)
function(confab_add_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  confab_apply_settings(${name})
endfunction()
