"""Every record key unique run-wide, by construction (the rule is `capfilt.keys.unique_keys`).

Input: (origin, item) with origin = (file index, position in the file) and item a record dict or a read
`Reject` (a reject naming a lost sample keeps a key no record holds too). Only (key, origin) travel
through the grouping by key family (`KeyRenames`); the new keys then meet their items in a grouping the
job does anyway: capfilt joins them by origin (`UniqueKeys`, which spreads records over workers like the
Reshuffle it replaces), ingest routes them to its group-by-URL. Nothing is dropped: an item whose key
repeats an earlier one's becomes `KEY~N`; items without a key (a file that could not be read) keep none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import apache_beam as beam
from apache_beam.metrics import Metrics

from capfilt.keys import Origin, key_family, unique_keys
from schemas import KEY, Reject


def key_of(item) -> str | None:
    return item.key if isinstance(item, Reject) else item[KEY]


def with_key(item, new_key: str | None, namespace: str):
    """`item` under `new_key` (unchanged when None), counted in `namespace`'s `renamed_keys`."""
    if new_key is None:
        return item
    Metrics.counter(namespace, "renamed_keys").inc()
    return dataclasses.replace(item, key=new_key) if isinstance(item, Reject) else {**item, KEY: new_key}


def _by_origin(origin: Origin, item) -> Origin:
    return origin


class KeyRenames(beam.PTransform):
    """(origin, item) -> (route(origin, item), (origin, new key)) for each item whose key must change.

    `route` names the group the item will meet its new key in (default: its origin)."""

    def __init__(self, route: Callable[[Origin, object], object] = _by_origin):
        super().__init__()
        self.route = route

    def expand(self, located):
        route = self.route

        def members(element):
            origin, item = element
            key = key_of(item)
            if key is not None:
                yield key_family(key), (key, origin, route(origin, item))

        def renames(group):
            _, family = group
            routes = {origin: routed for _, origin, routed in family}
            for origin, new_key in unique_keys((key, origin) for key, origin, _ in family).items():
                yield routes[origin], (origin, new_key)

        return (
            located
            | "KeyAndOrigin" >> beam.FlatMap(members)
            | "GroupByKeyFamily" >> beam.GroupByKey()
            | "NewKeys" >> beam.FlatMap(renames)
        )


def _joined(element, namespace: str):
    _, grouped = element
    (item,) = grouped["item"]
    new_keys = [new_key for _, new_key in grouped["key"]]
    return with_key(item, new_keys[0] if new_keys else None, namespace)


class UniqueKeys(beam.PTransform):
    """(origin, record or Reject) -> the same item, with a key no other item of the run holds."""

    def __init__(self, namespace: str):
        super().__init__()
        self.namespace = namespace

    def expand(self, located):
        return (
            {"item": located, "key": located | "KeyRenames" >> KeyRenames()}
            | "JoinByOrigin" >> beam.CoGroupByKey()
            | "WithUniqueKey" >> beam.Map(_joined, self.namespace)
        )
