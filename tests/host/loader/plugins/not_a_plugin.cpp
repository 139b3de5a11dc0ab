// An ordinary shared library that happens to sit in the plugin directory: no entry symbol.
extern "C" __attribute__((visibility("default"))) int some_unrelated_function(int x) { return x + 1; }
