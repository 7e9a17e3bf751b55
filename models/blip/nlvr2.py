"""BLIP's NLVR2 model: two images and one statement, true or false (salesforce/BLIP models/blip_nlvr.py).

The image-grounded text encoder reads both images: every cross-attention block becomes a twin, one
attention per image (`self0`, `self1`, each with its own output projection `dense0`/`dense1`), whose two
results are averaged in the lower half of the layers and merged by a linear layer (`merge_layer`) in the
upper half (BLIP: layers 6-11 of 12). Both halves of each twin start from the same pretrained block, so a
freshly loaded model reads each image exactly as the pretrained ITM encoder does. An MLP on the [CLS]
(BLIP: [ENC]) output gives false/true logits.

The encoder is transformers' `BlipTextModel` with its cross-attention modules replaced: the two images go
in as one sequence (left patches, then right patches) and each twin splits it in half, so the layer code
is transformers' own. Weight names follow BLIP's NLVR2 checkpoint (`crossattention.self0.query.weight`...).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.functional import cross_entropy
from transformers import BlipConfig, BlipTextModel, BlipVisionModel
from transformers.models.blip.modeling_blip_text import BlipTextSelfAttention

TRUE, FALSE = 1, 0  # class indices of the head's logits


class TwinSelfOutput(nn.Module):
    """BLIP's twin BertSelfOutput: one projection per image, averaged or merged, then residual + LayerNorm."""

    def __init__(self, config, merge: bool):
        super().__init__()
        self.dense0 = nn.Linear(config.hidden_size, config.hidden_size)
        self.dense1 = nn.Linear(config.hidden_size, config.hidden_size)
        self.merge_layer = nn.Linear(2 * config.hidden_size, config.hidden_size) if merge else None
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, context0: torch.Tensor, context1: torch.Tensor, input_tensor: torch.Tensor):
        first, second = self.dense0(context0), self.dense1(context1)
        if self.merge_layer is not None:
            hidden = self.merge_layer(torch.cat([first, second], dim=-1))
        else:
            hidden = (first + second) / 2
        return self.LayerNorm(self.dropout(hidden) + input_tensor)


class TwinCrossAttention(nn.Module):
    """A drop-in for `BlipTextLayer.crossattention` reading two images given as one sequence (halves)."""

    def __init__(self, config, layer_idx: int, merge: bool):
        super().__init__()
        self.self0 = BlipTextSelfAttention(config, is_cross_attention=True, layer_idx=layer_idx)
        self.self1 = BlipTextSelfAttention(config, is_cross_attention=True, layer_idx=layer_idx)
        self.output = TwinSelfOutput(config, merge)

    def forward(self, hidden_states, attention_mask=None, encoder_hidden_states=None, cache=None, **kwargs):
        half = encoder_hidden_states.shape[1] // 2
        images = encoder_hidden_states[:, :half], encoder_hidden_states[:, half:]
        masks = (
            (None, None)
            if attention_mask is None
            else (attention_mask[..., :half], attention_mask[..., half:])
        )
        context0, probs0 = self.self0(
            hidden_states, encoder_hidden_states=images[0], encoder_attention_mask=masks[0]
        )
        context1, _ = self.self1(
            hidden_states, encoder_hidden_states=images[1], encoder_attention_mask=masks[1]
        )
        return self.output(context0, context1, hidden_states), probs0


def merges(layer: int, num_layers: int) -> bool:
    """BLIP merges the two images with a linear layer in layers 6-11 of 12: the upper half."""
    return layer >= num_layers // 2


class TwinImageEncoder(nn.Module):
    """Vision transformer + the image-grounded text encoder with twin cross-attention: what BLIP's NLVR2
    model and its text-assignment pretraining (models/blip/text_assignment.py) share, under the same names."""

    def __init__(self, config: BlipConfig):
        super().__init__()
        self.config = config
        text_config = config.text_config
        self.vision_model = BlipVisionModel(config.vision_config)
        self.text_encoder = BlipTextModel(text_config, add_pooling_layer=False)
        layers = self.text_encoder.encoder.layer
        for index, layer in enumerate(layers):
            layer.crossattention = TwinCrossAttention(text_config, index, merges(index, len(layers)))

    def image_embeds(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """(images, channels, height, width) -> (images, patches, width)."""
        return self.vision_model(pixel_values=pixel_values).last_hidden_state

    def fuse(self, first: torch.Tensor, second: torch.Tensor, input_ids, attention_mask) -> torch.Tensor:
        """The text's first-token state, its cross-attention reading `first` (self0) and `second` (self1)."""
        both = torch.cat([first, second], dim=1)  # left patches, then right patches: each twin halves it
        fused = self.text_encoder(
            input_ids=input_ids, attention_mask=attention_mask, encoder_hidden_states=both
        ).last_hidden_state
        return fused[:, 0, :]


class BlipNlvr2Model(TwinImageEncoder):
    """The twin encoder + an MLP head; forward(batch) gives the loss."""

    def __init__(self, config: BlipConfig):
        super().__init__(config)
        hidden = config.text_config.hidden_size
        self.cls_head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 2))

    def logits(self, pixel_values: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        """False/true logits; `pixel_values` is (batch, 2, channels, height, width): left, right."""
        batch, pair = pixel_values.shape[:2]
        if pair != 2:
            raise ValueError(f"NLVR2 takes two images per statement, got {pair}")
        embeds = self.image_embeds(pixel_values.flatten(0, 1))
        embeds = embeds.view(batch, 2, *embeds.shape[1:])
        return self.cls_head(self.fuse(embeds[:, 0], embeds[:, 1], input_ids, attention_mask))

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        logits = self.logits(batch["pixel_values"], batch["input_ids"], batch["attention_mask"])
        loss = cross_entropy(logits, batch["labels"])
        accuracy = (logits.argmax(-1) == batch["labels"]).float().mean()
        return {"loss": loss, "accuracy": accuracy.detach()}


def twin_state_dict(state: dict[str, torch.Tensor], wanted: set[str]) -> dict[str, torch.Tensor]:
    """A pretrained BLIP state dict renamed for the NLVR2 model: each cross-attention block copied into both
    halves of its twin (as BLIP's `blip_nlvr.load_checkpoint` does); keys already in NLVR2 form stay."""
    out: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if ".crossattention.self." in key:
            for half in ("self0", "self1"):
                out[key.replace(".crossattention.self.", f".crossattention.{half}.")] = value
        elif ".crossattention.output.dense." in key:
            for half in ("dense0", "dense1"):
                out[key.replace(".crossattention.output.dense.", f".crossattention.output.{half}.")] = value
        else:
            out[key] = value
    return {k: v for k, v in out.items() if k in wanted}
