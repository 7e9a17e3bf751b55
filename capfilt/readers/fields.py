"""One typed `pairs` record from a raw row, or the Reject that says which field is wrong and why.

Every reader maps its own layout onto `pairs` names and hands the row to `typed_pair`, once, at the reader:
afterwards key, url and caption are str, sizes int or None and the image bytes, whatever the input held (a
WebDataset `.json` can hold anything, a CSV only strings). Nothing downstream re-checks types, so a bad
value never reaches the models or the final Parquet write.
"""

from __future__ import annotations

import hashlib
import math
import posixpath

from schemas import Reject

STAGE = "read"
MAX_INT32 = 2**31 - 1
SHOWN_CHARS = 60
_SIZES = ("width", "height", "original_width", "original_height")


class FieldError(ValueError):
    """A field of one record has a value of the wrong type or range."""


def _shown(value) -> str:
    """The value's type and a short repr: deterministic (input values are JSON/Arrow scalars)."""
    text = repr(value)
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "..."
    return f"{type(value).__name__} {text}"


def as_text(value, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise FieldError(f"{name} is {_shown(value)}, expected text")


def as_key(value, name: str = "key") -> str | None:
    """A key is text; an integer id (common in exports) is written in decimal. Empty means absent."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = as_text(value, name)
    return text if text else None


def as_size(value, name: str) -> int | None:
    """A pixel size: a non-negative int32; an integral float (LAION's WIDTH is a double) or a decimal string
    are read as the int they spell; NaN (pandas' missing) is absent."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdecimal():
        number = int(value.strip())
    if number is None or not 0 <= number <= MAX_INT32:
        raise FieldError(f"{name} is {_shown(value)}, expected a pixel count")
    return number


def as_bytes(value, name: str) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise FieldError(f"{name} is {_shown(value)}, expected bytes")


def as_texts(value, name: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise FieldError(f"{name} is {_shown(value)}, expected a list of texts")
    return [as_text(item, f"{name}[{i}]") for i, item in enumerate(value) if item is not None]


def as_flag(value, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise FieldError(f"{name} is {_shown(value)}, expected true or false")


def _image(raw) -> tuple[bytes | None, str | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        raise FieldError(f"image is {_shown(raw)}, expected {{bytes, path}}")
    return as_bytes(raw.get("bytes"), "image.bytes"), as_text(raw.get("path"), "image.path")


def _missing_image(path: str | None) -> str:
    if path:
        # Reading a path named by the data would open any local file it names: the bytes must be in the table.
        return f"image has only a path ({posixpath.basename(path)}), no bytes; embed the images in the file"
    return "no image bytes"


def typed_pair(raw: dict, where: str, source: str) -> dict | Reject:
    """A `pairs` record (every PAIRS column) from `raw` (PAIRS names, any values), or a `read` Reject.

    `where` names the file and the row or sample, for the reject's detail; `source` is the record's
    `source` unless the row carries its own (a `pairs` file says where its rows came from).
    """
    key = url = None
    try:
        key = as_key(raw.get("key"))
        if key is None:
            return Reject(None, None, STAGE, "missing_key", f"{where}: record has no key")
        url = as_text(raw.get("url"), "url") or None
        data, image_path = _image(raw.get("image"))
        record = {
            "key": key,
            "url": url,
            "page_url": as_text(raw.get("page_url"), "page_url") or None,
            "caption": as_text(raw.get("caption"), "caption"),
            "caption_boilerplate": as_flag(raw.get("caption_boilerplate"), "caption_boilerplate"),
            "references": as_texts(raw.get("references"), "references"),
            "image": {"bytes": data, "path": image_path},
            **{name: as_size(raw.get(name), name) for name in _SIZES},
            # Recomputed, never trusted: metadata may describe other bytes than the ones we hold.
            "sha256": hashlib.sha256(data).hexdigest() if data else None,
            "phash": as_text(raw.get("phash"), "phash"),
            "source": as_text(raw.get("source"), "source") or source,
        }
    except FieldError as error:
        return Reject(key, url, STAGE, "bad_field", f"{where}: {error}")
    if not data:
        return Reject(key, url, STAGE, "missing_image", f"{where}: {_missing_image(image_path)}")
    caption = record["caption"]
    if caption is None or not caption.strip():
        return Reject(key, url, STAGE, "missing_caption", f"{where}: empty or missing caption")
    return record
