"""pipelines: the Beam jobs.

Beam's BigQuery stub logs "apitools not found" whenever it is imported without the GCP extras, on every run
and even on --help: noise for these jobs. The filter sits here so that it is in place before any job module
imports Beam. Importing capfilt first also sets a short OpenMP spin before torch loads
(capfilt.threads.prefer_short_openmp_spin).
"""

import logging

# `from capfilt import ...`, not `import capfilt`: the latter would bind the name `capfilt` in this package
# to the top-level package, shadowing the job module `pipelines.capfilt`.
from capfilt import threads as _threads

_threads.prefer_short_openmp_spin()

logging.getLogger().addFilter(lambda record: "apitools not found" not in record.getMessage())
