"""Rebuild `derived/` from the real files beside it: `python tests/data/real/shards/make_derived.py`.

Every derived file wraps real bytes (webdataset's digit PNGs, img2dataset's test photos) in the layouts the
readers take, and damages some of them the way real shards get damaged. MANIFEST.md says what each is.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
DERIVED = HERE / "derived"
PHOTOS = {
    "123_456": "a close-up of a tabby kitten's face",
    "208_495": "a wooden boardwalk through the dunes leading to the sea",
    "416_264": "green succulent plants seen from above",
    "456_123": "a kitten peering over the edge of a table",
    "321_421": "palm trees against a blue evening sky",
}
# Fixed metadata so that two runs write identical tars.
MTIME = 1_600_000_000


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), MTIME, 0o644
    tar.addfile(info, io.BytesIO(data))


def digit_samples() -> list[tuple[str, bytes, str]]:
    """(key, png, label) of the first 20 samples of webdataset's sample.tgz, in shard order."""
    with tarfile.open(HERE / "webdataset" / "sample.tgz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    keys = sorted({name.split(".")[0] for name in files}, key=int)[:20]
    return [(k, files[f"{k}.png"], files[f"{k}.cls"].decode().strip()) for k in keys]


def digits_tar() -> bytes:
    """20 digit images as captioned WebDataset samples in two folders whose file names repeat
    (a/10.png and b/10.png): WebDataset keys keep the folder, so they are 20 distinct samples."""
    samples = digit_samples()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for index, (key, png, label) in enumerate(samples):
            folder, name = ("a", key) if index < 10 else ("b", samples[index - 10][0])
            _add(tar, f"{folder}/{name}.png", png)
            _add(tar, f"{folder}/{name}.txt", f"a handwritten digit {label}".encode())
            meta = {
                "key": name,
                "url": f"https://digits.capfilt.invalid/{folder}/{name}.png",
                "label": int(label),
            }
            _add(tar, f"{folder}/{name}.json", json.dumps(meta).encode())
    return buffer.getvalue()


def _members(tar_bytes: bytes) -> int:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        return len(tar.getmembers())


def crc_only_flip(data: bytes, plain: bytes) -> bytes:
    """`data` (gzip of the tar `plain`, 10-byte header) with the first one-bit flip that still inflates to a
    tar `tarfile` reads whole, with other bytes: only the gzip CRC can tell (tarfile never checks it)."""
    members = _members(plain)
    for position in range(len(data) // 2, len(data) - 8):
        damaged = bytearray(data)
        damaged[position] ^= 0x01
        try:
            inflated = zlib.decompress(bytes(damaged[10:-8]), -zlib.MAX_WBITS)
            listed = _members(inflated)
        except (zlib.error, tarfile.TarError):
            continue
        if inflated != plain and listed == members:
            return bytes(damaged)
    raise RuntimeError("no silent flip found")


def bad_header(data: bytes, member: int) -> bytes:
    """`data` (tar) with one byte of the `member`-th header's name changed, so its checksum fails."""
    offset = 0
    for _ in range(member):
        size = int(data[offset + 124 : offset + 136].rstrip(b"\0 ") or b"0", 8)
        offset += 512 + -(-size // 512) * 512
    damaged = bytearray(data)
    damaged[offset] ^= 0x20
    return bytes(damaged)


def photos() -> dict[str, bytes]:
    folder = HERE / "img2dataset" / "resize_test_image"
    return {name: (folder / f"{name}.jpg").read_bytes() for name in PHOTOS}


def hf_exports() -> None:
    """The photos as Hugging Face `datasets` writes them: hub-style Parquet shards and save_to_disk."""
    import datasets

    images = photos()
    table = {
        "image": [{"bytes": images[name], "path": f"{name}.jpg"} for name in PHOTOS],
        "text": list(PHOTOS.values()),
    }
    dataset = datasets.Dataset.from_dict(table).cast_column("image", datasets.Image())
    hub = DERIVED / "photos-hf" / "data"
    hub.mkdir(parents=True)
    dataset.to_parquet(str(hub / "train-00000-of-00001.parquet"))
    dataset.save_to_disk(str(DERIVED / "photos-hf-saved"))


def img2dataset_output() -> None:
    """The photos as img2dataset's WebDataset output folder: 00000.tar and its metadata Parquet."""
    import pyarrow as pa
    from img2dataset.writer import WebDatasetSampleWriter

    folder = DERIVED / "photos-img2dataset"
    folder.mkdir(parents=True)
    schema = pa.schema(
        [("url", pa.string()), ("caption", pa.string()), ("key", pa.string()), ("status", pa.string())]
    )
    writer = WebDatasetSampleWriter(0, str(folder), True, 5, schema, "jpg")
    for index, (name, data) in enumerate(photos().items()):
        key = f"{index:09d}"
        meta = {"url": f"https://photos.capfilt.invalid/{name}.jpg", "caption": PHOTOS[name], "key": key}
        writer.write(data, key, PHOTOS[name], {**meta, "status": "success"})
    writer.close()


def main() -> None:
    shutil.rmtree(DERIVED, ignore_errors=True)
    DERIVED.mkdir()
    plain = digits_tar()
    compressed = gzip.compress(plain, mtime=0)
    (DERIVED / "digits.tar").write_bytes(plain)
    (DERIVED / "digits.tar.gz").write_bytes(compressed)
    (DERIVED / "digits-truncated.tar.gz").write_bytes(compressed[: len(compressed) * 6 // 10])
    (DERIVED / "digits-crc.tar.gz").write_bytes(crc_only_flip(compressed, plain))
    (DERIVED / "digits-bad-header.tar").write_bytes(bad_header(plain, member=31))
    hf_exports()
    img2dataset_output()


if __name__ == "__main__":
    main()
