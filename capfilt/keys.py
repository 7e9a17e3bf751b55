"""Record keys: derived when an input has none, and made unique run-wide when inputs repeat them.

Keys name records everywhere (seeds, de-duplication, rejects, output order), so two records must never
share one. Inputs do repeat keys: two img2dataset runs both start at `000000000`, a file listed under two
names, a table exported twice. The rule, free of Beam (`pipelines/common/unique_keys.py` runs it grouped
by key
family):

- the first record holding a key, in input order (file, then position in the file), keeps it;
- each later one becomes `KEY~N`, with the smallest N >= 2 that no record of the run holds.

A key's *family* is the key without any `~N` suffixes, so `K`, `K~2` and `K~2~3` are decided together and a
new name can never collide with another record's key, whatever keys the input already held. The new key
starts with the original, so a renamed record stays traceable to its input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from schemas.image_text import derived_key

__all__ = ["derived_key", "key_family", "unique_keys"]

# Where a record came from: (index of its file in the run's input list, position among the file's records).
Origin = tuple[int, int]

RENAME_SEPARATOR = "~"
_SUFFIXES = re.compile(rf"(?:{RENAME_SEPARATOR}\d+)+$")


def key_family(key: str) -> str:
    return _SUFFIXES.sub("", key)


def unique_keys(members: Iterable[tuple[str, Origin]]) -> dict[Origin, str]:
    """New keys for the records of one key family that must change: {origin: new key}.

    `members` are (key, origin) of every record whose key is in the family; records not in the result
    keep their key. The result depends only on keys and origins, never on the order they arrive in.
    """
    ordered = sorted(members, key=lambda member: member[1])
    taken = {key for key, _ in ordered}
    holders: set[str] = set()
    next_number: dict[str, int] = {}
    renamed: dict[Origin, str] = {}
    for key, origin in ordered:
        if key not in holders:
            holders.add(key)
            continue
        number = next_number.get(key, 2)
        while f"{key}{RENAME_SEPARATOR}{number}" in taken:
            number += 1
        next_number[key] = number + 1
        new_key = f"{key}{RENAME_SEPARATOR}{number}"
        taken.add(new_key)
        renamed[origin] = new_key
    return renamed
