"""A short BLIP-2 run on the demo world through the CLI, as BLIP-2 is meant to start: a pretrained frozen
image encoder and a pretrained text encoder for the Q-Former, here both from the shipped demo BLIP filter.
Stage 1's loss falls and its ITG caption loss on held-out scenes is lower with the right image than with a
shuffled one; stage 2 on top of it leaves the LM exactly as it was and also captions better with the right
image's soft prompt."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoTokenizer, Blip2ForConditionalGeneration, BlipImageProcessorPil

from models import pretrain
from models.blip.collate import BlipCollator
from models.blip2.checkpoint import load_stage1
from models.blip2.stage2 import Stage2Collator
from models.common.losses import caption_loss
from models.training.transforms import ImageTransform
from tests.helpers.vlm_world import first_and_last_losses, held_out_samples, shuffled

COMMON = ["--num_workers", "0", "--save_every", "1000", "--shuffle_buffer", "200", "--warmup_steps", "5"]
DEMO_BLIP = str(Path(__file__).resolve().parents[2] / "capfilt" / "assets" / "models" / "filter")


def _stage2_losses(directory: Path, samples: list[dict]) -> tuple[float, float]:
    model = Blip2ForConditionalGeneration.from_pretrained(directory, use_safetensors=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    collate = Stage2Collator(tokenizer, model.config.num_query_tokens, model.config.image_token_id, 37)

    def loss(batch):
        inputs = {k: batch[k] for k in ("pixel_values", "input_ids", "attention_mask")}
        return float(caption_loss(model(**inputs).logits, batch["labels"], reduction="none").mean())

    with torch.no_grad():
        return loss(collate(samples)), loss(collate(shuffled(samples)))


@pytest.mark.slow
# Measured under load (issue 17): 1,370 s at load average 15-20 on 2 cores, stage 1 alone 20 min; the
# suite's 600 s guard is no upper bound for it there (README, Development: the timeout rule).
@pytest.mark.timeout(2400)
def test_blip2_uses_the_image_in_stage1_and_stage2_and_stage2_keeps_the_lm(tmp_path, vlm_world):
    world = vlm_world
    data = str(world / "human" / "*.parquet")
    stage1 = tmp_path / "stage1"
    summary = pretrain.main([
        "blip2", "--stage", "1", "--data", data, "--output", str(stage1), "--preset", "tiny",
        "--vision", DEMO_BLIP, "--qformer_init", DEMO_BLIP, "--num_query_tokens", "4",
        "--batch_size", "16", "--max_steps", "100", "--lr", "3e-3", *COMMON,
    ])  # fmt: skip
    assert summary["finished"]
    first, last = first_and_last_losses(stage1)
    assert last < first

    model, tokenizer, processor = load_stage1(stage1)
    model.eval()
    samples = held_out_samples(world, ImageTransform(processor))
    collate = BlipCollator(tokenizer, 35, prompt="")
    with torch.no_grad():
        right = float(model.caption_losses(collate(samples)).mean())
        wrong = float(model.caption_losses(collate(shuffled(samples))).mean())
    print(f"blip2 stage-1 ITG test caption loss: right image {right:.4f}, shuffled {wrong:.4f}")
    # measured 1.5858 vs 1.6586 (docs/flamingo_blip2.md); 1.5821 vs 1.6115 since the Q-Former's ITC has
    # BLIP-2's label smoothing 0.1 (the image still lowers the loss by 0.03)
    assert right < wrong - 0.02

    lm = tmp_path / "lm"
    pretrain.main(["lm", "--data", data, "--output", str(lm), "--preset", "tiny", "--vocab_size", "300",
                   "--batch_size", "32", "--max_steps", "100", "--lr", "5e-3", *COMMON])  # fmt: skip
    stage2 = tmp_path / "stage2"
    summary = pretrain.main([
        "blip2", "--stage", "2", "--init", str(stage1), "--lm", str(lm), "--data", data,
        "--output", str(stage2), "--batch_size", "16", "--max_steps", "300", "--lr", "3e-3", *COMMON,
    ])  # fmt: skip
    assert summary["finished"]
    before, after = load_file(lm / "model.safetensors"), load_file(stage2 / "model.safetensors")
    for name, value in before.items():
        assert torch.equal(after[f"language_model.{name}"], value), name

    samples = held_out_samples(world, ImageTransform(BlipImageProcessorPil.from_pretrained(stage2)))
    right, wrong = _stage2_losses(stage2, samples)
    print(f"blip2 stage-2 LM test caption loss: right soft prompt {right:.4f}, shuffled {wrong:.4f}")
    assert right < wrong  # measured 1.8648 vs 1.8768
