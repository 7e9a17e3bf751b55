"""pipelines: the Beam jobs.

Beam's BigQuery stub logs "apitools not found" whenever it is imported without the GCP extras, on every run
and even on --help: noise for these jobs. The filter sits here so that it is in place before any job module
imports Beam. Importing capfilt first also sets a short OpenMP spin before torch loads
(capfilt.threads.prefer_short_openmp_spin).
"""

import logging

import capfilt  # noqa: F401

logging.getLogger().addFilter(lambda record: "apitools not found" not in record.getMessage())
