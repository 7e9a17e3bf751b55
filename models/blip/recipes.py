"""BLIP training recipes: `paper` (BLIP's own settings) and `demo` (this project's small CPU runs), and
which one a run gets (`--recipe auto`).

A recipe fills the flags left unset (None); a flag given on the command line always wins.
"""

from __future__ import annotations

import dataclasses

from transformers import BlipConfig

from models.blip.checkpoint import resolve
from models.blip.conventions import DEFAULT_PROMPT

RECIPES = ("auto", "paper", "demo")
# Epochs of BLIP's schedules (configs/pretrain.yaml 20, retrieval_coco.yaml 6, caption_coco.yaml 5): alpha
# ramps over the first, so over this fraction of --max_steps here.
BLIP_EPOCHS = {"pretrain": 20, "filter": 6, "captioner": 5}
# Vision widths of BLIP-base/large; a narrower model is one of this project's demo sizes.
PAPER_MIN_VISION_WIDTH = 768


def paper_settings(kind: str, max_steps: int) -> dict:
    """BLIP's defaults (configs/*.yaml, blip_pretrain.py, blip_retrieval.py)."""
    return {
        # Momentum distillation, 57,600-feature queue, alpha 0.4 (pretrain.yaml, retrieval_coco.yaml).
        "momentum": True,
        "queue_size": 57600,
        "distill_alpha": 0.4,
        # alpha * min(1, i / len(data_loader)) in the first epoch (train_retrieval.py, pretrain.py).
        "distill_alpha_ramp_steps": max(1, max_steps // BLIP_EPOCHS[kind]),
        # blip_pretrain.py's LM reads the caption after [DEC] alone; the prompt comes with fine-tuning.
        "prompt": "" if kind == "pretrain" else DEFAULT_PROMPT,
        # RandomAugment(2, 5): data/__init__.py's transform_train, which BLIP's fine-tuning and its
        # pretraining (create_dataset('pretrain', ...)) both use.
        "randaugment": True,
        # ITM hard negatives from every GPU's batch in retrieval fine-tuning (retrieval_coco.yaml, the data
        # the paper's filter is tuned on; retrieval_flickr.yaml has False); blip_pretrain.py mines in its
        # own rank's batch.
        "negative_all_rank": kind == "filter",
    }


def paper_augmentation(kind: str) -> dict:
    """BLIP's transform_train crop and flip (data/__init__.py): RandomResizedCrop(scale=(min_scale, 1)),
    min_scale 0.5 by default and 0.2 for pretraining (pretrain.py), then RandomHorizontalFlip."""
    return {"crop_scale_min": 0.2 if kind == "pretrain" else 0.5, "hflip": True}


def demo_augmentation(kind: str) -> dict:
    """None: the demo world's captions name positions ("on the left") and every object, so a flip makes
    them wrong and a tight crop can cut an object out."""
    return {"crop_scale_min": 1.0, "hflip": False}


def apply_recipe_augmentation(train, recipe: str, kind: str):
    """A copy of the training flags with --crop_scale_min/--hflip, when unset, from the chosen recipe
    (`paper` or `demo`, as resolved by apply_recipe)."""
    settings = (paper_augmentation if recipe == "paper" else demo_augmentation)(kind)
    unset = {key: value for key, value in settings.items() if getattr(train, key) is None}
    return dataclasses.replace(train, **unset)


def demo_settings(kind: str, max_steps: int) -> dict:
    """The demo sizes' departures from `paper`, each for a reason."""
    return {
        # Demo runs are a few hundred steps at batch 16: a 57,600-feature queue would hold mostly its random
        # initial features for the whole run (3,600 steps to fill once), so no momentum distillation.
        "momentum": False,
        "queue_size": 57600,
        "distill_alpha": 0.4,
        "distill_alpha_ramp_steps": 0,
        # The shipped demo models and the bootstrap loop's measured figures were pretrained with the prompt.
        "prompt": DEFAULT_PROMPT,
        # The demo world's captions name exact colours and positions: AutoContrast/Equalize move colours,
        # shifts and rotations can push a small shape out of frame, and the shipped models trained without.
        "randaugment": False,
        # As paper: one process is unchanged by it, and under torchrun more negatives cost one gather.
        "negative_all_rank": kind == "filter",
    }


def chosen_recipe(recipe: str, preset: str, init: str) -> str:
    """`auto`: `paper` for BLIP-base/large (the `base`/`large` presets, or an --init at least 768 wide),
    `demo` for the demo sizes (tiny, small, demo)."""
    if recipe not in RECIPES:
        raise ValueError(f"--recipe must be one of {', '.join(RECIPES)}, got {recipe!r}")
    if recipe != "auto":
        return recipe
    if init:
        width = BlipConfig.from_pretrained(resolve(init)).vision_config.hidden_size
        return "paper" if width >= PAPER_MIN_VISION_WIDTH else "demo"
    return "paper" if preset in ("base", "large") else "demo"


def apply_recipe(args, kind: str, max_steps: int):
    """A copy of the BLIP flags with every unset (None) field taken from the chosen recipe."""
    name = chosen_recipe(args.recipe, args.preset, args.init)
    settings = (paper_settings if name == "paper" else demo_settings)(kind, max_steps)
    unset = {key: value for key, value in settings.items() if getattr(args, key) is None}
    return dataclasses.replace(args, recipe=name, **unset)
