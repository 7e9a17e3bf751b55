"""Convert LAION-AI/CLIP-based-NSFW-Detector's Keras models to a `relu_chain` head (capfilt.curate.heads), run
once by a maintainer, without TensorFlow:

    python tests/data/real/heads/convert_laion_nsfw.py clip_autokeras_nsfw_b32.zip OUT.safetensors [RAW.npz]

The zip holds a Keras SavedModel: `keras_metadata.pb` (the layers as JSON) and `variables/` (a TensorFlow
tensor bundle: an SSTable index of BundleEntryProto records, the tensors' raw bytes in the data file). Each
tensor is read at its recorded offset and checked against its recorded masked CRC-32C, so a misread byte
fails here rather than ending up in the weights.

The model is autokeras' structured-data classifier: MultiCategoryEncoding, Normalization, Dense+ReLU layers
(a Dropout before the last), Dense(1), sigmoid. MultiCategoryEncoding passes most columns through and
replaces a few (3 of B/32's 512, 5 of L/14's 768: columns whose training values were few, float16 ones)
by the index of their printed value ("%f") in a vocabulary of the training values (graph constants of
saved_model.pb), 0 when the value is not in it. The converted head treats every value of those columns as
not in it (index 0): exact for an embedding none of whose printed
values there is in the vocabulary (a float32 embedding's 6-decimal value lands on one of the vocabulary's
float16 values rarely), not for LAION's own float16 embeddings, which often hit it. Normalization is Keras'
`(x - mean) / max(sqrt(variance), 1e-7)`. Both fold exactly into the first Dense: `W' = W * keep / std`
and `b' = b - W @ (mean / std)` (a categorical column contributes its constant `(0 - mean) / std`). What
remains is Linear-ReLU-...-Linear with a sigmoid: keys `layers.{0,2,4,...}`, metadata `output: sigmoid`
(1 = NSFW, as LAION's README states).
RAW.npz keeps the original tensors (mean, variance, the categorical columns, each Dense's kernel and bias)
so a test can check the fold against Keras' own arithmetic.
"""

from __future__ import annotations

import json
import struct
import sys
import zipfile

import numpy as np
import torch
from safetensors.torch import save_file

FOOTER_MAGIC = 0xDB4775248B80FB57
DTYPES = {1: np.float32, 9: np.int64}  # TensorFlow's DT_FLOAT, DT_INT64
KERAS_EPSILON = 1e-7


def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC32C = _crc32c_table()


def masked_crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = CRC32C[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(buffer: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buffer[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def protobuf_fields(buffer: bytes) -> list[tuple[int, object]]:
    """(field number, value) of a serialized protobuf message, by wire type (no schema needed)."""
    fields, position = [], 0
    while position < len(buffer):
        tag, position = varint(buffer, position)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, position = varint(buffer, position)
        elif wire == 2:
            length, position = varint(buffer, position)
            value, position = buffer[position : position + length], position + length
        elif wire == 5:
            (value,), position = struct.unpack_from("<I", buffer, position), position + 4
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
        fields.append((number, value))
    return fields


def block_entries(block: bytes):
    """(key, value) of one uncompressed SSTable block (prefix-compressed keys, restart array at its end)."""
    (restarts,) = struct.unpack_from("<I", block, len(block) - 4)
    end, position, key = len(block) - 4 - 4 * restarts, 0, b""
    while position < end:
        shared, position = varint(block, position)
        unshared, position = varint(block, position)
        length, position = varint(block, position)
        key = key[:shared] + block[position : position + unshared]
        position += unshared
        yield key, block[position : position + length]
        position += length


def read_block(table: bytes, handle: bytes) -> bytes:
    offset, position = varint(handle, 0)
    size, _ = varint(handle, position)
    if table[offset + size] != 0:
        raise ValueError("compressed SSTable block: not a TensorFlow tensor bundle index")
    return table[offset : offset + size]


def bundle_tensors(index: bytes, data: bytes) -> dict[str, np.ndarray]:
    """Every float/int64 tensor of a tensor bundle, each checked against its CRC-32C."""
    footer = index[-48:]
    if struct.unpack("<Q", footer[-8:])[0] != FOOTER_MAGIC:
        raise ValueError("variables.index is not an SSTable")
    _, position = varint(footer, 0)
    _, start = varint(footer, position)  # skip the metaindex handle
    _, position = varint(footer, start)
    _, position = varint(footer, position)
    tensors = {}
    for _, handle in block_entries(read_block(index, footer[start:position])):
        for key, value in block_entries(read_block(index, handle)):
            entry = dict(protobuf_fields(value)) if key else {}
            if entry.get(1) not in DTYPES:
                continue  # the header, the object graph, string tables
            shape = [
                dict(protobuf_fields(dim)).get(1, 0)
                for n, dim in protobuf_fields(entry.get(2, b""))
                if n == 2
            ]
            offset, size = entry.get(4, 0), entry.get(5, 0)
            raw = data[offset : offset + size]
            if masked_crc32c(raw) != entry.get(6):
                raise ValueError(f"{key.decode()}: CRC-32C mismatch")
            tensors[key.decode()] = np.frombuffer(raw, DTYPES[entry[1]]).reshape(shape)
    return tensors


def keras_layers(metadata: bytes) -> list[dict]:
    """The functional model's layer list from keras_metadata.pb (its first JSON object)."""
    text = metadata.decode("utf-8", errors="replace")
    model, _ = json.JSONDecoder().raw_decode(text[text.index('{"name": "model"') :])
    return model["config"]["layers"]


def convert(zip_path: str) -> tuple[dict[str, torch.Tensor], dict[str, np.ndarray]]:
    with zipfile.ZipFile(zip_path) as archive:
        names = {name.split("/", 1)[1]: name for name in archive.namelist() if "/" in name}
        read = lambda name: archive.read(names[name])  # noqa: E731
        layers = keras_layers(read("keras_metadata.pb"))
        tensors = bundle_tensors(
            read("variables/variables.index"), read("variables/variables.data-00000-of-00001")
        )
    kinds = [layer["class_name"] for layer in layers]
    encoding = next(
        layer["config"]["encoding"] for layer in layers if layer["class_name"].endswith("Encoding")
    )
    categorical = [column for column, kind in enumerate(encoding) if kind != "none"]
    assert kinds[:3] == ["InputLayer", "Custom>MultiCategoryEncoding", "Normalization"], kinds
    assert kinds[-1] == "Activation" and layers[-1]["config"]["activation"] == "sigmoid", kinds
    assert all(k in ("Dense", "ReLU", "Dropout") for k in kinds[3:-1]), kinds
    assert all(layer["config"].get("activation", "linear") == "linear" for layer in layers[3:-1])
    value = lambda name: tensors[f"{name}/.ATTRIBUTES/VARIABLE_VALUE"].astype(np.float64)  # noqa: E731
    mean, variance = value("layer_with_weights-1/mean"), value("layer_with_weights-1/variance")
    dense = sorted(
        {name.split("/")[0] for name in tensors if name.endswith("kernel/.ATTRIBUTES/VARIABLE_VALUE")},
        key=lambda layer: int(layer.rsplit("-", 1)[1]),  # layer_with_weights-N, in model order
    )
    kernels = [value(f"{name}/kernel") for name in dense]
    biases = [value(f"{name}/bias") for name in dense]
    assert len(kernels) == kinds.count("Dense")
    keep = np.ones_like(mean)
    keep[categorical] = 0.0
    std = np.maximum(np.sqrt(variance), KERAS_EPSILON)
    first_kernel = kernels[0] * (keep / std)[:, None]
    first_bias = biases[0] - (mean / std) @ kernels[0]
    folded = [(first_kernel, first_bias), *zip(kernels[1:], biases[1:], strict=True)]
    state = {}
    for position, (kernel, bias) in enumerate(folded):
        state[f"layers.{2 * position}.weight"] = torch.from_numpy(kernel.T.astype(np.float32)).contiguous()
        state[f"layers.{2 * position}.bias"] = torch.from_numpy(bias.astype(np.float32))
    raw = {"mean": mean, "variance": variance, "categorical": np.array(categorical, dtype=np.int64)}
    raw.update(
        {f"kernel_{i}": k for i, k in enumerate(kernels)} | {f"bias_{i}": b for i, b in enumerate(biases)}
    )
    return state, raw


if __name__ == "__main__":
    state, raw = convert(sys.argv[1])
    save_file(state, sys.argv[2], {"output": "sigmoid", "score_range": "0,1"})
    if len(sys.argv) > 3:
        arrays = {name: a if a.dtype.kind == "i" else a.astype(np.float32) for name, a in raw.items()}
        np.savez(sys.argv[3], **arrays)
    print({name: tuple(tensor.shape) for name, tensor in state.items()})
