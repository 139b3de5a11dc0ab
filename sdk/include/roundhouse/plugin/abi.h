/* The plugin ABI: plain C data exchanged across the one entry point every plugin exports.
 *
 * Rules (ARCHITECTURE.md, "The plugin ABI"):
 *  - a plugin exports exactly one symbol, roundhouse_plugin_entry, produced by ROUNDHOUSE_PLUGIN;
 *  - the host accepts it when abi_major is equal, abi_minor <= the host's, and build_id is equal
 *    (plugins use C++ interfaces, so compiler, standard library ABI and SDK version must match);
 *  - no exception crosses the entry point: init/shutdown return 0 on success and report errors
 *    through rh_host_api.report_error;
 *  - structs only grow at the end (struct_size tells how much the other side knows); the reserved
 *    slots keep room for fields without an ABI major bump. */
#ifndef ROUNDHOUSE_PLUGIN_ABI_H
#define ROUNDHOUSE_PLUGIN_ABI_H

#include <stdint.h>

#define ROUNDHOUSE_ABI_MAJOR 1
#define ROUNDHOUSE_ABI_MINOR 3
#define ROUNDHOUSE_PLUGIN_ENTRY_SYMBOL "roundhouse_plugin_entry"

#ifdef __cplusplus
extern "C" {
#endif

/* What the host hands a plugin at init. */
typedef struct rh_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  void* registry;          /* roundhouse::Registry*, valid for the life of the process */
  void* host_context;      /* opaque, pass back to report_error */
  void (*report_error)(void* host_context, const char* plugin_name, const char* message);
  const char* config_json; /* this plugin's configuration object as JSON text ("{}" when none) */
  void* reserved[8];
} rh_host_api;

/* What a plugin tells the host about itself. All strings are static, UTF-8, NUL-terminated. */
typedef struct rh_plugin_descriptor {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  const char* build_id;            /* see ROUNDHOUSE_BUILD_ID */
  const char* name;                /* unique, e.g. "storage-sqlite" */
  const char* version;             /* the plugin's own semantic version */
  uint32_t kind;                   /* rh_plugin_kind */
  const char* description;
  const char* const* dependencies; /* NULL-terminated list of plugin names, or NULL */
  int (*init)(const rh_host_api* host);      /* 0 = started */
  void (*shutdown)(const rh_host_api* host); /* may be NULL */
  void* reserved[8];
} rh_plugin_descriptor;

typedef enum rh_plugin_kind {
  RH_PLUGIN_STORAGE = 1,
  RH_PLUGIN_DOMAIN = 2,
  RH_PLUGIN_SYNC = 3,
  RH_PLUGIN_ML = 4,
  RH_PLUGIN_ANALYTICS = 5,
  RH_PLUGIN_COMPLIANCE = 6,
  RH_PLUGIN_SCRIPTING = 7,
  RH_PLUGIN_OTHER = 8
} rh_plugin_kind;

typedef const rh_plugin_descriptor* (*rh_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* ROUNDHOUSE_PLUGIN_ABI_H */
