"""HTML bytes to text, choosing the encoding as a browser does (WHATWG HTML, "determining the encoding").

Order: a byte-order mark; then bytes that are valid UTF-8 with non-ASCII characters are UTF-8 whatever a
label says (a departure from browsers, which would show mojibake: legacy-encoded text is essentially never
valid UTF-8 by accident, while UTF-8 pages served as gb2312 or iso-8859-1 are common); then the HTTP charset;
then the `<meta>` prescan of the first 1024 bytes; then detection. Labels go through the WHATWG label table
(`webencodings`): gb2312 and GBK mean the GB18030 decoder, iso-8859-1 and us-ascii mean windows-1252,
shift_jis means windows-31j, euc-kr means windows-949, so a label narrower than the bytes still decodes.
Meta prescan and detection are Resiliparse's (`resiliparse.parse.encoding`: a WHATWG prescan, uchardet).

A label is used when its decoder finds at most one bad byte sequence per `TOLERATED_ERROR_BYTES` (a stray
byte becomes U+FFFD, as in a browser); otherwise the next candidate is tried, and a page that no candidate
decodes is refused with the encodings tried, never silently cut short.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import webencodings
from resiliparse.parse.encoding import detect_encoding

TOLERATED_ERROR_BYTES = 1000
# WHATWG decoders that are wider than the Python codec webencodings names (GBK is decoded as GB18030).
_WIDER_CODECS = {"gbk": "gb18030"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16le"), (codecs.BOM_UTF16_BE, "utf-16be"))


class UndecodableHtml(ValueError):
    """No candidate encoding decodes the page; the message lists what was tried."""


@dataclass(frozen=True)
class DecodedHtml:
    text: str
    encoding: str  # WHATWG name of the encoding used
    source: str  # bom, utf-8, http, meta or detected
    bad_sequences: int  # byte sequences replaced by U+FFFD


def whatwg_encoding(label: str | None) -> str | None:
    """The WHATWG encoding name for a charset label (any case, padding, aliases), None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'")
    found = webencodings.lookup(label) or webencodings.lookup(label.replace("_", "-"))
    if found is None or found.name == "replacement":  # "replacement" labels decode to one U+FFFD: unusable
        return None
    return found.name


def _c1_controls(error: UnicodeDecodeError) -> tuple[str, int]:
    """WHATWG's windows-1252 maps the five bytes cp1252 leaves undefined to the C1 controls of that value."""
    return "".join(chr(b) for b in error.object[error.start : error.end]), error.end


codecs.register_error("capfilt-whatwg-c1", _c1_controls)


def _codec(encoding: str) -> codecs.CodecInfo:
    wider = _WIDER_CODECS.get(encoding)
    return codecs.lookup(wider) if wider else webencodings.lookup(encoding).codec_info


def _decode(body: bytes, encoding: str) -> tuple[str, int]:
    """Text and the number of bad byte sequences; an incomplete character at the very end is dropped."""
    codec = _codec(encoding)
    strict = "capfilt-whatwg-c1" if encoding == "windows-1252" else "strict"
    try:
        return codec.incrementaldecoder(errors=strict).decode(body, final=False), 0
    except UnicodeDecodeError:
        text = codec.incrementaldecoder(errors="replace").decode(body, final=False)
        return text, max(1, text.count("\ufffd"))


def _meta_encoding(body: bytes) -> str | None:
    """The encoding a `<meta charset>` or `http-equiv` declares in the first 1024 bytes (WHATWG prescan)."""
    declared = detect_encoding(body[:1024], from_html_meta=True)
    if declared == detect_encoding(body[:1024]):
        return None  # nothing declared (detection answered) or the same answer as detection
    encoding = whatwg_encoding(declared)
    # The standard: a meta naming UTF-16 means UTF-8 (the bytes are ASCII-compatible if it was read), and
    # x-user-defined means windows-1252.
    return {"utf-16le": "utf-8", "utf-16be": "utf-8", "x-user-defined": "windows-1252"}.get(
        encoding, encoding
    )


def _has_non_ascii_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode_html(body: bytes, http_charset: str | None = None) -> DecodedHtml:
    """Decode one page; raises UndecodableHtml when no candidate encoding fits the bytes."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text, bad = _decode(body[len(bom) :], encoding)
            return DecodedHtml(text, encoding, "bom", bad)
    if _has_non_ascii_utf8(body):
        return DecodedHtml(_decode(body, "utf-8")[0], "utf-8", "utf-8", 0)
    tolerated = max(1, len(body) // TOLERATED_ERROR_BYTES)
    tried = []
    candidates = (
        ("http", lambda: whatwg_encoding(http_charset)),
        ("meta", lambda: _meta_encoding(body)),
        ("detected", lambda: whatwg_encoding(detect_encoding(body)) or "windows-1252"),
    )
    for source, find in candidates:
        encoding = find()
        if encoding is None or any(encoding == name for name, _ in tried):
            continue
        text, bad = _decode(body, encoding)
        if bad <= tolerated:
            return DecodedHtml(text, encoding, source, bad)
        tried.append((encoding, bad))
    summary = ", ".join(f"{name}: {bad} bad byte sequences" for name, bad in tried)
    raise UndecodableHtml(f"no encoding fits the {len(body)} bytes ({summary})")
