# Locates the shared validation data (weibull/reference_cases.json, cmapss/*_FD001.txt) that lives
# beside the repository and is never copied into it. Order: -DROUNDHOUSE_SHARED_DATA_DIR,
# $ROUNDHOUSE_SHARED_DATA_DIR, <source>/../shared/data, and, for a clone of a local checkout (the
# README's clean-clone check), <origin>/../shared/data. Sets ROUNDHOUSE_SHARED_DATA_DIR to an absolute
# path; when nothing is found the tests that need it fail naming the path they looked at.
function(roundhouse_find_shared_data)
  # A stale cached value (an older build directory) that holds no data does not stop the search.
  set(candidates "${ROUNDHOUSE_SHARED_DATA_DIR}" "$ENV{ROUNDHOUSE_SHARED_DATA_DIR}"
                 "${PROJECT_SOURCE_DIR}/../shared/data")
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" config --get remote.origin.url
                    OUTPUT_VARIABLE origin OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    string(REGEX REPLACE "^file://" "" origin "${origin}")
    if(IS_ABSOLUTE "${origin}")
      list(APPEND candidates "${origin}/../shared/data")
    endif()
  endif()
  foreach(dir IN LISTS candidates)
    if(dir AND EXISTS "${dir}/weibull/reference_cases.json")
      get_filename_component(found "${dir}" ABSOLUTE)
      set(ROUNDHOUSE_SHARED_DATA_DIR "${found}" CACHE PATH
          "Shared validation data (weibull/, cmapss/) used by the ml tests and benchmarks" FORCE)
      set(ROUNDHOUSE_SHARED_DATA_DIR "${found}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  get_filename_component(fallback "${PROJECT_SOURCE_DIR}/../shared/data" ABSOLUTE)
  message(WARNING "Shared validation data not found (looked in: ${candidates}); the ml reference "
                  "tests will fail. Pass -DROUNDHOUSE_SHARED_DATA_DIR=/path/to/shared/data.")
  set(ROUNDHOUSE_SHARED_DATA_DIR "${fallback}" PARENT_SCOPE)
endfunction()
