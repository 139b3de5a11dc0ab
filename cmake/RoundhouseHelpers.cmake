# roundhouse_add_plugin(NAME <name> SOURCES <impl sources...> ENTRY <entry.cpp> [LIBS <private deps...>])
#
# Builds one plugin twice from the same sources, as ARCHITECTURE.md asks:
#   roundhouse_plugin_<id>_static  STATIC library, linked directly by unit tests (no dlopen)
#   roundhouse_plugin_<id>         MODULE library with the single entry point, loaded by the host
# <id> is <name> with '-' replaced by '_'. The module lands in lib/roundhouse/plugins/.
function(roundhouse_add_plugin)
  cmake_parse_arguments(P "" "NAME;ENTRY" "SOURCES;LIBS" ${ARGN})
  string(REPLACE "-" "_" id "${P_NAME}")
  set(static roundhouse_plugin_${id}_static)
  add_library(${static} STATIC ${P_SOURCES})
  target_link_libraries(${static} PUBLIC roundhouse::sdk PRIVATE ${P_LIBS})
  target_include_directories(${static} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/src")
  add_library(roundhouse::plugin_${id} ALIAS ${static})

  set(module roundhouse_plugin_${id})
  add_library(${module} MODULE ${P_ENTRY})
  target_link_libraries(${module} PRIVATE ${static})
  set_target_properties(${module} PROPERTIES
    PREFIX "" OUTPUT_NAME "${P_NAME}"
    LIBRARY_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/${ROUNDHOUSE_PLUGIN_SUBDIR}"
    BUILD_RPATH "$ORIGIN/../.."
    INSTALL_RPATH "$ORIGIN/../..")
  install(TARGETS ${module} LIBRARY DESTINATION "${ROUNDHOUSE_PLUGIN_SUBDIR}" COMPONENT runtime)
endfunction()

# roundhouse_add_gtest(<target> SOURCES <...> LIBS <...>): one GoogleTest binary, discovered by CTest.
function(roundhouse_add_gtest target)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${T_SOURCES})
  target_link_libraries(${target} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${target} DISCOVERY_TIMEOUT 30
    PROPERTIES ENVIRONMENT "ROUNDHOUSE_PLUGIN_DIR=${CMAKE_BINARY_DIR}/${ROUNDHOUSE_PLUGIN_SUBDIR}")
endfunction()

# roundhouse_embed_event_schemas(<output .inc> <glob>): writes one `{"<EventType>", R"(<schema>)"},`
# line per *.schema.json matching <glob>, to be #included into an array, so a plugin's .so needs no
# data files. Re-globs at build time when a schema is added.
function(roundhouse_embed_event_schemas output glob)
  file(GLOB files CONFIGURE_DEPENDS "${glob}")
  set(inc "")
  foreach(file IN LISTS files)
    get_filename_component(name "${file}" NAME)
    string(REPLACE ".schema.json" "" event_type "${name}")
    file(READ "${file}" content)
    string(APPEND inc "{\"${event_type}\", R\"rh_schema(${content})rh_schema\"},\n")
  endforeach()
  file(CONFIGURE OUTPUT "${output}" CONTENT "${inc}")
endfunction()
