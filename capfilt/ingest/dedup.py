"""De-duplication rules, as plain functions over one group of records (the pipeline does the grouping).

One rule everywhere: records are ranked by key (input order), and a record is a duplicate when a record
ranked before it has the same URL, the same image bytes, or an image within the perceptual-hash distance.
The rule needs no shared state, so it holds across the whole run when each group is seen by one worker.
For chains (A near B, B near C, A far from C) only A is kept: B and C each have an earlier near neighbour.

Near-duplicates are found without comparing all pairs: a 64-bit hash is cut into threshold + 1 bands,
and two hashes within the threshold agree exactly on at least one band (pigeonhole), so grouping by
(band index, band value) brings every close pair together at least once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

HASH_BITS = 64
DEFAULT_PORTS = {"http": 80, "https": 443}
# When one record loses under several rules, the verdict is the first rule here, then the earliest winner.
RULE_ORDER = ("duplicate_pair", "duplicate_url", "duplicate_image", "near_duplicate")


class Duplicate(NamedTuple):
    """A dedup verdict: `loser` is a duplicate of the earlier-ranked `winner` under rule `reason` (the reject
    reason); `distance` is the perceptual-hash distance for near duplicates, else 0."""

    loser: str
    reason: str
    winner: str
    distance: int = 0

    def detail(self) -> str:
        """The reject's detail: which record it duplicates, and how."""
        if self.reason == "duplicate_image":
            return f"same bytes as {self.winner}"
        if self.reason == "near_duplicate":
            return f"phash distance {self.distance} to {self.winner}"
        return f"same URL as {self.winner}"


def first_verdict(verdicts: Iterable[Duplicate]) -> Duplicate:
    """One verdict per duplicate record: by RULE_ORDER (exact bytes before near), then the earliest winner."""
    return min(verdicts, key=lambda d: (RULE_ORDER.index(d.reason), d.winner, d.distance))


def url_identity(url: str) -> str:
    """The URL as a duplicate key: scheme and host lower-cased, default port and fragment dropped."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if ":" in host:
        netloc = f"[{host}]" if port in (None, DEFAULT_PORTS.get(scheme)) else f"[{host}]:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def url_duplicates(members: Iterable[tuple[str, str | None]]) -> Iterator[Duplicate]:
    """For (key, caption) records sharing a URL: a verdict for each but the first.

    `duplicate_pair` when an earlier record also has the same caption (the same (url, alt) twice),
    else `duplicate_url`.
    """
    ranked = sorted(members)
    winner = ranked[0][0]
    seen_captions = {ranked[0][1]}
    for key, caption in ranked[1:]:
        yield Duplicate(key, "duplicate_pair" if caption in seen_captions else "duplicate_url", winner)
        seen_captions.add(caption)


def exact_duplicates(keys: Iterable[str]) -> Iterator[Duplicate]:
    """For keys sharing one sha256: a `duplicate_image` verdict for each but the first."""
    ranked = sorted(keys)
    for key in ranked[1:]:
        yield Duplicate(key, "duplicate_image", ranked[0])


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def band_keys(phash: str, threshold: int) -> list[tuple[int, int]]:
    """(band index, band value) for each of threshold + 1 bands of a 64-bit hex hash."""
    bands = threshold + 1
    if not 0 <= threshold < HASH_BITS:
        raise ValueError(f"phash threshold must be in [0, {HASH_BITS}), got {threshold}")
    value = int(phash, 16)
    bounds = [round(i * HASH_BITS / bands) for i in range(bands + 1)]
    spans = zip(bounds, bounds[1:], strict=False)
    return [(i, (value >> lo) & ((1 << (hi - lo)) - 1)) for i, (lo, hi) in enumerate(spans)]


def near_duplicates(members: Iterable[tuple[str, str]], threshold: int) -> Iterator[Duplicate]:
    """For (key, phash) records sharing a band: a `near_duplicate` verdict for each record with an
    earlier-ranked record within `threshold` bits; the winner named is the earliest such record."""
    ranked = sorted(members)
    for i, (key, phash) in enumerate(ranked):
        for earlier, earlier_hash in ranked[:i]:
            distance = hamming(phash, earlier_hash)
            if distance <= threshold and earlier != key:
                yield Duplicate(key, "near_duplicate", earlier, distance)
                break
