"""Row-level checks every reader applies, so a bad record becomes a `rejects` row, not a crash."""

from __future__ import annotations

from schemas import Reject

STAGE = "read"


def check_pair(record: dict, source: str) -> Reject | None:
    """Return a Reject when a `pairs` record lacks what CapFilt needs (key, image bytes, web text)."""
    key, url = record.get("key"), record.get("url")
    if not key:
        return Reject(key, url, STAGE, "missing_key", f"{source}: record has no key")
    image = record.get("image") or {}
    if not image.get("bytes"):
        return Reject(key, url, STAGE, "missing_image", f"{source}: no image bytes")
    caption = record.get("caption")
    if caption is None or not str(caption).strip():
        return Reject(key, url, STAGE, "missing_caption", f"{source}: empty or missing caption")
    return None
