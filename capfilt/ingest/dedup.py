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
from urllib.parse import urlsplit, urlunsplit

HASH_BITS = 64
DEFAULT_PORTS = {"http": 80, "https": 443}


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


def url_duplicates(members: Iterable[tuple[str, str | None]]) -> Iterator[tuple[str, str, str]]:
    """For (key, caption) records sharing a URL: (loser key, reason, winner key) for all but the first.

    `duplicate_pair` when an earlier record also has the same caption (the same (url, alt) twice),
    else `duplicate_url`.
    """
    ranked = sorted(members)
    winner = ranked[0][0]
    seen_captions = {ranked[0][1]}
    for key, caption in ranked[1:]:
        yield key, "duplicate_pair" if caption in seen_captions else "duplicate_url", winner
        seen_captions.add(caption)


def exact_duplicates(keys: Iterable[str]) -> Iterator[tuple[str, str]]:
    """For keys sharing one sha256: (loser key, winner key) for all but the first."""
    ranked = sorted(keys)
    for key in ranked[1:]:
        yield key, ranked[0]


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


def near_duplicates(members: Iterable[tuple[str, str]], threshold: int) -> Iterator[tuple[str, str, int]]:
    """For (key, phash) records sharing a band: (loser key, winner key, distance) for each record with an
    earlier-ranked record within `threshold` bits; the winner named is the earliest such record."""
    ranked = sorted(members)
    for i, (key, phash) in enumerate(ranked):
        for earlier, earlier_hash in ranked[:i]:
            distance = hamming(phash, earlier_hash)
            if distance <= threshold and earlier != key:
                yield key, earlier, distance
                break
