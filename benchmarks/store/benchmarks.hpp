#pragma once
// Registration of the store benchmark families (called from main once the sizes are known).

namespace roundhouse::bench {

void register_append_benchmarks();
void register_read_benchmarks();
void release_fixtures();  // closes the shared read fixtures and removes their files

}  // namespace roundhouse::bench
