"""The BLIP `paper` and `demo` recipes (models.blip.recipes) and momentum distillation's alpha ramp."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
import torch
from PIL import Image
from transformers import BlipImageProcessorPil, BlipProcessor

from models.blip import conventions
from models.blip.recipes import apply_recipe, apply_recipe_augmentation, chosen_recipe
from models.blip.task import BlipConfigArgs, blip_task, objective_config
from models.common.tokenizer import train_wordpiece
from models.training.task import TrainConfig
from models.training.transforms import Augmentation, randaugment, randaugment_op
from tests.helpers.blip_data import pair_rows
from tests.helpers.blip_pretraining import batch, tiny_model
from tests.helpers.capfilt_tiny import save_hub_layout


@pytest.fixture(scope="module")
def processor():
    texts = [r["caption"] for r in pair_rows(16)] + [conventions.DEFAULT_PROMPT]
    tokenizer = train_wordpiece(texts, vocab_size=120)
    return BlipProcessor(BlipImageProcessorPil(size={"height": 32, "width": 32}), tokenizer)


def test_auto_is_paper_for_blip_sizes_and_demo_for_the_demo_sizes(tmp_path):
    assert [chosen_recipe("auto", preset, "") for preset in ("base", "large")] == ["paper", "paper"]
    assert {chosen_recipe("auto", preset, "") for preset in ("tiny", "small", "demo")} == {"demo"}
    tiny_init = save_hub_layout("filter", tmp_path / "tiny", seed=0)  # 32 wide: a demo size
    assert chosen_recipe("auto", "base", str(tiny_init)) == "demo"
    assert chosen_recipe("paper", "tiny", str(tiny_init)) == "paper"
    with pytest.raises(ValueError, match="--recipe"):
        chosen_recipe("blip", "base", "")


def test_paper_recipe_is_blips_settings_and_a_given_flag_wins():
    pretrain = apply_recipe(BlipConfigArgs(preset="base"), "pretrain", max_steps=2000)
    assert (pretrain.recipe, pretrain.momentum, pretrain.queue_size, pretrain.distill_alpha) == (
        "paper", True, 57600, 0.4,
    )  # fmt: skip
    assert pretrain.distill_alpha_ramp_steps == 100  # the first of BLIP's 20 pretraining epochs
    assert pretrain.prompt == ""  # BLIP pretrains its LM without the prompt
    filter_run = apply_recipe(BlipConfigArgs(preset="base"), "filter", max_steps=600)
    assert filter_run.distill_alpha_ramp_steps == 100 and filter_run.prompt == conventions.DEFAULT_PROMPT
    given = apply_recipe(BlipConfigArgs(preset="base", momentum=False, prompt="a photo of "), "pretrain", 20)
    assert given.momentum is False and given.prompt == "a photo of "
    # negative_all_rank: retrieval_coco.yaml's True for the filter; blip_pretrain.py mines within its rank.
    assert filter_run.negative_all_rank is True and pretrain.negative_all_rank is False
    own_rank = apply_recipe(BlipConfigArgs(preset="base", negative_all_rank=False), "filter", 600)
    assert own_rank.negative_all_rank is False
    assert objective_config(filter_run, "filter").negative_all_rank is True


def test_demo_recipe_keeps_the_demo_departures():
    demo = apply_recipe(BlipConfigArgs(preset="demo"), "pretrain", max_steps=500)
    assert (demo.recipe, demo.momentum, demo.distill_alpha_ramp_steps, demo.prompt) == (
        "demo", False, 0, conventions.DEFAULT_PROMPT,
    )  # fmt: skip
    # Nothing is left unset for the model to receive.
    assert all(value is not None for value in dataclasses.asdict(demo).values())


def test_alpha_ramps_from_zero_over_the_ramp_steps_and_then_holds(processor):
    model = tiny_model(processor, momentum=True, queue_size=8, distill_alpha=0.4, distill_alpha_ramp_steps=4)
    model.train()
    data = batch(processor)
    alphas = []
    for _ in range(6):
        alphas.append(model.distiller.current_alpha())
        model(data)
    assert alphas == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.4])
    assert int(model.distiller.state_dict()["forwards"]) == 6  # a resumed run continues the ramp
    # At alpha 0 the ITC targets are the hard ones: the loss equals the loss without distillation's soft part.
    fresh = tiny_model(processor, momentum=True, queue_size=8, distill_alpha=0.4, distill_alpha_ramp_steps=4)
    hard = tiny_model(processor, momentum=True, queue_size=8, distill_alpha=0.0)
    hard.load_state_dict(fresh.state_dict(), strict=False)
    fresh.train(), hard.train()
    torch.testing.assert_close(fresh(data)["itc"], hard(data)["itc"])


def _gradient(size=(40, 30)) -> Image.Image:
    x = np.linspace(60, 180, size[0]).astype(np.uint8)[None, :, None]
    y = np.linspace(70, 170, size[1]).astype(np.uint8)[:, None, None]
    return Image.fromarray(
        np.concatenate([x.repeat(size[1], 0), y.repeat(size[0], 1), 255 - x.repeat(size[1], 0)], 2)
    )


def test_randaugment_ops_at_blips_magnitude():
    image, rng = _gradient(), random.Random(0)
    for name in ("Identity", "Brightness", "Sharpness"):  # enhance factor 5/10 * 1.8 + 0.1 = 1.0
        assert np.array_equal(np.asarray(randaugment_op(image, name, 5, rng)), np.asarray(image)), name
    for name in ("AutoContrast", "Equalize", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"):
        out = randaugment_op(image, name, 5, rng)
        assert out.size == image.size and not np.array_equal(np.asarray(out), np.asarray(image)), name
    # TranslateX by 5 px (level 5 of 10 px): a column's content moves by 5, the uncovered side turns grey.
    moved = np.asarray(randaugment_op(image, "TranslateX", 5, random.Random(1)))
    source = np.asarray(image)
    assert np.array_equal(moved[:, 5:], source[:, :-5]) or np.array_equal(moved[:, :-5], source[:, 5:])
    assert {tuple(moved[0, 0]), tuple(moved[0, -1])} & {(128, 128, 128)}
    with pytest.raises(ValueError, match="RandAugment"):
        randaugment_op(image, "Solarize", 5, rng)


def test_randaugment_is_seeded_and_in_the_paper_recipe_only():
    image = _gradient()
    first = [np.asarray(randaugment(image, random.Random(seed))) for seed in range(12)]
    again = [np.asarray(randaugment(image, random.Random(seed))) for seed in range(12)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert any(not np.array_equal(a, np.asarray(image)) for a in first)
    assert apply_recipe(BlipConfigArgs(preset="base"), "filter", 60).randaugment is True
    assert apply_recipe(BlipConfigArgs(preset="demo"), "filter", 60).randaugment is False
    augmented = Augmentation(randaugment=True)(image, random.Random(3))
    assert augmented.size == image.size


def test_paper_recipe_crops_and_flips_as_blips_transform_train(tmp_path):
    """RandomResizedCrop(scale=(0.5, 1)) and RandomHorizontalFlip (data/__init__.py; min_scale 0.2 in
    pretrain.py); demo: neither; a given flag wins; other tasks keep their defaults."""
    init = save_hub_layout("filter", tmp_path / "init", seed=0)
    run = TrainConfig(output=str(tmp_path / "run"), max_steps=10)

    def augmentation(recipe, train=run):
        task = blip_task("filter", BlipConfigArgs(init=str(init), recipe=recipe), train)
        return task.transform.augmentation.crop_scale_min, task.transform.augmentation.hflip

    assert augmentation("paper") == (0.5, True)
    assert augmentation("demo") == (1.0, False)
    assert augmentation("paper", dataclasses.replace(run, crop_scale_min=0.8, hflip=False)) == (0.8, False)
    assert apply_recipe_augmentation(run, "paper", "pretrain").crop_scale_min == 0.2
    assert (Augmentation(None, None).crop_scale_min, Augmentation(None, None).hflip) == (1.0, False)
    with pytest.raises(ValueError, match="--crop_scale_min"):
        Augmentation(crop_scale_min=0.0)
