# roundhouse_add_external_plugin(<target> <sources...>): a plugin built out of tree against an
# installed SDK. Produces <target>.so (no "lib" prefix), hidden visibility, linked to roundhouse::sdk.
function(roundhouse_add_external_plugin target)
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE roundhouse::sdk)
  set_target_properties(${target} PROPERTIES PREFIX "" CXX_VISIBILITY_PRESET hidden
                        VISIBILITY_INLINES_HIDDEN ON CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON
                        INSTALL_RPATH "$ORIGIN/../..")
endfunction()
