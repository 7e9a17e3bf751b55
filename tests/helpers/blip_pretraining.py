"""A tiny BLIP pretraining model (models.blip, all three objectives) and a collated batch of solid colours."""

import torch

from models.blip.collate import BlipCollator
from models.blip.model import BlipObjectiveConfig, BlipPretrainingModel
from models.blip.presets import blip_config
from tests.helpers.blip_data import COLORS, pair_rows


def tiny_model(processor, objectives=("itc", "itm", "lm"), **objective) -> BlipPretrainingModel:
    tok = processor.tokenizer
    config = blip_config(
        "tiny",
        vocab_size=len(tok),
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        sep_token_id=tok.sep_token_id,
    )
    torch.manual_seed(0)
    return BlipPretrainingModel(config, BlipObjectiveConfig(objectives=objectives, **objective))


def batch(processor, count=4, first_token="cls"):
    samples = []
    for row in pair_rows(count):
        # Solid colours, one value per channel, so the images tell the captions apart.
        color = torch.tensor(COLORS[row["caption"].split()[1]], dtype=torch.float32) / 128 - 1
        samples.append(
            {
                "key": row["key"],
                "text": row["caption"],
                "pixel_values": color[:, None, None].expand(3, 32, 32),
            }
        )
    out = BlipCollator(processor.tokenizer, itm_first_token=first_token)(samples)
    out.pop("keys")
    return out
