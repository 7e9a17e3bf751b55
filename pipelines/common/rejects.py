"""Reject tagging, the same in both jobs: a step yields a record on its main output, or a `Reject` on the
REJECTS tagged output, counted in Beam's metrics by stage and reason."""

from __future__ import annotations

from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from schemas import Reject

# The tag every step's rejects leave on (`.with_outputs(REJECTS, main=...)`).
REJECTS = "rejects"


def record_or_reject(item, namespace: str):
    """`item` itself when it is a record; a Reject goes to REJECTS, counted as `rejected.<stage>.<reason>`
    in the job's metrics `namespace`."""
    if not isinstance(item, Reject):
        return item
    Metrics.counter(namespace, f"rejected.{item.stage}.{item.reason}").inc()
    return TaggedOutput(REJECTS, item)
