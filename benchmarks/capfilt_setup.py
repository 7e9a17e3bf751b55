"""What benchmarks/capfilt.py measures on: BLIP-size checkpoints with random weights, and demo-world pairs.

Checkpoints are written with `save_pretrained` and read back through `capfilt.curate.checkpoints.load`,
the path a
published checkpoint takes; they are cached, keyed by preset and image size, because writing ~1 GB of
weights takes longer than some of the measurements.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import torch
from transformers import (
    BertTokenizer,
    BlipForConditionalGeneration,
    BlipForImageTextRetrieval,
    BlipImageProcessorPil,
    BlipProcessor,
)

from capfilt.curate.prepare import decode_image
from capfilt.world import WorldConfig, generate_world
from capfilt.world.corpus import cache_root
from models.blip.presets import blip_config
from schemas.publish import building_folder

# bert-base-uncased's layout: [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103, 30522 entries, then
# BLIP's [DEC] and [ENC]. Real words come from the demo world so web texts tokenise to realistic lengths.
BERT_VOCAB_SIZE = 30522


def bert_like_vocab(words: list[str]) -> list[str]:
    vocab = [f"[unused{i}]" for i in range(BERT_VOCAB_SIZE)]
    vocab[0], vocab[100], vocab[101], vocab[102], vocab[103] = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
    for index, word in enumerate(sorted(set(words) - set(vocab)), start=1000):
        vocab[index] = word
    return [*vocab, "[DEC]", "[ENC]"]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.items() for s in _strings(item)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for item in value for s in _strings(item)]
    return []


def demo_words() -> list[str]:
    """The demo world's vocabulary plus common words: what its captions and web texts are made of."""
    from capfilt.world import vocab

    words = {"a", "an", "the", "of", "on", "in", "at", "with", "and", "is", "picture", "photo", "image"}
    for name in (name for name in dir(vocab) if name.isupper()):
        for text in _strings(getattr(vocab, name)):
            words.update(text.lower().replace("-", " ").replace("_", " ").split())
    return sorted(w for w in words if w.isalpha())


def save_checkpoint(kind: str, directory: Path, preset: str, image_size: int, seed: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    vocab_file = directory / "vocab.txt"
    vocab_file.write_text("\n".join(bert_like_vocab(demo_words())) + "\n")
    tokenizer = BertTokenizer(str(vocab_file), do_lower_case=True, bos_token="[DEC]")
    tokenizer.add_special_tokens({"additional_special_tokens": ["[ENC]"]})
    config = blip_config(
        preset,
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        sep_token_id=tokenizer.sep_token_id,
        image_size=image_size,
    )
    torch.manual_seed(seed)
    model_class = BlipForConditionalGeneration if kind == "captioner" else BlipForImageTextRetrieval
    model_class(config).save_pretrained(str(directory), safe_serialization=True)
    image_processor = BlipImageProcessorPil(size={"height": image_size, "width": image_size})
    BlipProcessor(image_processor, tokenizer).save_pretrained(str(directory))
    return directory


def checkpoints(preset: str, image_size: int) -> tuple[str, str]:
    """(captioner, filter) directories: separate checkpoints with different random weights, as in BLIP."""
    root = cache_root() / f"bench-blip-{preset}-{image_size}px"
    paths = []
    for kind, seed in (("captioner", 0), ("filter", 1)):
        target = root / kind
        if not (target / "model.safetensors").exists() and not any(target.glob("model-*.safetensors")):
            with building_folder(target) as staging:
                save_checkpoint(kind, staging, preset, image_size, seed)
        paths.append(str(target))
    return paths[0], paths[1]


def demo_pairs(images: int, image_size: int, directory: str) -> tuple[str, list, list[str], list[str]]:
    """Write `images` demo-world web pairs; return (Parquet glob, decoded images, keys, web texts)."""
    config = WorldConfig(web=images, human=0, test=0, classify=0, documents=0, clips=0, image_size=image_size)
    generate_world(directory, config, progress=False)
    files = sorted(Path(directory, "web").glob("*.parquet"))
    rows = [row for path in files for row in pq.read_table(path).to_pylist()]
    pictures = [decode_image(row["image"]["bytes"]) for row in rows]
    return (
        str(Path(directory, "web", "*.parquet")),
        pictures,
        [r["key"] for r in rows],
        [r["caption"] for r in rows],
    )
