"""Every record key unique run-wide, by construction (the rule is `capfilt.keys.unique_keys`).

Input: (origin, item) with origin = (file index, position in the file) and item a record dict or a read
`Reject` (a reject naming a lost sample keeps a key no record holds too). Only (key, origin) travel
through the grouping by key family; items are then joined with their new key by origin, which spreads them
over workers like a Reshuffle. Nothing is dropped: an item whose key repeats an earlier one's becomes
`KEY~N`; items without a key (a file that could not be read) pass unchanged.
"""

from __future__ import annotations

import dataclasses

import apache_beam as beam
from apache_beam.metrics import Metrics

from capfilt.keys import key_family, unique_keys
from schemas import Reject


def key_of(item) -> str | None:
    return item.key if isinstance(item, Reject) else item["key"]


def _family_members(located):
    origin, item = located
    key = key_of(item)
    if key is not None:
        yield key_family(key), (key, origin)


def _renames(group):
    _, members = group
    yield from unique_keys(members).items()


def _with_key(joined, namespace: str):
    _, grouped = joined
    (item,) = grouped["item"]
    new_keys = list(grouped["key"])
    if not new_keys:
        return item
    Metrics.counter(namespace, "renamed_keys").inc()
    if isinstance(item, Reject):
        return dataclasses.replace(item, key=new_keys[0])
    return {**item, "key": new_keys[0]}


class UniqueKeys(beam.PTransform):
    """(origin, record or Reject) -> the same item, with a key no other item of the run holds."""

    def __init__(self, namespace: str):
        super().__init__()
        self.namespace = namespace

    def expand(self, located):
        renames = (
            located
            | "KeyAndOrigin" >> beam.FlatMap(_family_members)
            | "GroupByKeyFamily" >> beam.GroupByKey()
            | "NewKeys" >> beam.FlatMap(_renames)
        )
        return (
            {"item": located, "key": renames}
            | "JoinByOrigin" >> beam.CoGroupByKey()
            | "WithUniqueKey" >> beam.Map(_with_key, self.namespace)
        )
