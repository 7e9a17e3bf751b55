"""capfilt.

Before any submodule imports torch: a short OpenMP spin, so torch's threads yield the CPU to busy
neighbours (capfilt.threads.prefer_short_openmp_spin)."""

from capfilt import threads as _threads

_threads.prefer_short_openmp_spin()
