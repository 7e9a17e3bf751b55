"""The decoding loop: prompt prefill per image, then one step per token for all N sequences of all images.

Stopping and padding follow `GenerationMixin._sample`: a sequence that emitted EOS gets the pad token from
then on; the loop ends when every sequence has or when `max_length` tokens (prompt included) exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from capfilt.engine.attention import ImageGroups
from capfilt.engine.decoder import ImageKeysValues, TextDecoder


@dataclass(frozen=True)
class Limits:
    max_length: int
    eos_token_id: int
    pad_token_id: int


def generate(
    decoder: TextDecoder,
    image_kv: ImageKeysValues,
    prompt: torch.Tensor,
    copies: int,
    choose: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    limits: Limits,
) -> torch.Tensor:
    """prompt (P,) shared by all images -> token ids (images * copies, length), prompt included.

    Row i * copies + j is sequence j of image i.
    """
    images = image_kv[0][0].shape[0]
    rows = images * copies
    if prompt.shape[0] >= limits.max_length:
        raise ValueError(
            f"max_length {limits.max_length} leaves no room after a {prompt.shape[0]}-token prompt"
        )
    cache = decoder.new_cache(rows, limits.max_length, like=image_kv[0][0])
    logits = decoder.prefill(prompt.expand(images, -1), image_kv, cache, copies)
    logits = logits.float().repeat_interleave(copies, dim=0)
    groups = ImageGroups.repeated(images, copies, prompt.device)
    tokens = prompt.expand(rows, -1)
    unfinished = torch.ones(rows, dtype=torch.bool, device=prompt.device)
    while True:
        chosen = choose(tokens, logits)
        chosen = torch.where(unfinished, chosen, torch.full_like(chosen, limits.pad_token_id))
        tokens = torch.cat([tokens, chosen[:, None]], dim=1)
        unfinished &= chosen != limits.eos_token_id
        if tokens.shape[1] >= limits.max_length or not bool(unfinished.any()):
            return tokens
        logits = decoder.step(chosen, tokens.shape[1] - 1, image_kv, groups, cache).float()
