"""`--image_size` with `--init`: BLIP's 224 -> 384 px fine-tuning, the position embedding interpolated to the
new patch grid (models.blip.checkpoint.interpolate_position_embedding), on a tiny hub-layout checkpoint."""

from __future__ import annotations

import pytest
import torch
from PIL import Image

from models.blip.checkpoint import POSITION_EMBEDDING, interpolate_position_embedding
from models.blip.recipes import apply_recipe
from models.blip.task import BlipConfigArgs, build_model
from models.common.checkpoint_io import read_state_dict
from models.training.task import TrainConfig
from tests.helpers.capfilt_tiny import IMAGE_SIZE, save_hub_layout


def test_interpolation_keeps_cls_and_the_grid_it_resamples():
    torch.manual_seed(0)
    position = torch.randn(1, 1 + 4 * 4, 8)
    assert interpolate_position_embedding(position, 4) is position
    resized = interpolate_position_embedding(position, 8)
    assert resized.shape == (1, 1 + 8 * 8, 8)
    torch.testing.assert_close(resized[:, 0], position[:, 0])
    # A constant grid stays constant; a ramp along x stays a ramp (increasing) along x, not along y.
    constant = torch.cat([position[:, :1], torch.full((1, 16, 8), 0.5)], dim=1)
    torch.testing.assert_close(
        interpolate_position_embedding(constant, 8)[:, 1:], torch.full((1, 64, 8), 0.5)
    )
    ramp = torch.arange(4.0).repeat(4)[None, :, None].expand(1, 16, 8)
    grid = interpolate_position_embedding(torch.cat([position[:, :1], ramp], dim=1), 8)[0, 1:, 0].view(8, 8)
    assert torch.all(grid[:, 1:] >= grid[:, :-1]) and torch.allclose(grid[1:], grid[:-1])
    with pytest.raises(ValueError, match="square"):
        interpolate_position_embedding(torch.randn(1, 1 + 15, 8), 8)


def test_finetuning_from_init_at_a_larger_image_size(tmp_path):
    init = save_hub_layout("filter", tmp_path / "init", seed=0)
    args = apply_recipe(BlipConfigArgs(init=str(init), image_size=2 * IMAGE_SIZE), "filter", max_steps=10)
    model, processor = build_model("filter", args, TrainConfig(output=str(tmp_path / "run")))
    assert model.config.vision_config.image_size == 2 * IMAGE_SIZE
    stored = read_state_dict(init)[POSITION_EMBEDDING]
    loaded = model.state_dict()[POSITION_EMBEDDING]
    torch.testing.assert_close(loaded, interpolate_position_embedding(stored, 2 * IMAGE_SIZE // 8))
    pixels = processor.image_processor(
        images=[Image.new("RGB", (50, 40), (200, 30, 30))], return_tensors="pt"
    )
    assert pixels.pixel_values.shape[-2:] == (2 * IMAGE_SIZE, 2 * IMAGE_SIZE)
    with torch.no_grad():
        assert model.image_embeds(pixels.pixel_values).shape[1] == 1 + (2 * IMAGE_SIZE // 8) ** 2
    bad = apply_recipe(BlipConfigArgs(init=str(init), image_size=IMAGE_SIZE + 4), "filter", max_steps=10)
    with pytest.raises(ValueError, match="multiple of the patch size"):
        build_model("filter", bad, TrainConfig(output=str(tmp_path / "bad")))
