"""The decoding loop: prompt prefill per image, then one step per token for all N sequences of all images.

Stopping and padding follow `GenerationMixin._sample`: a sequence that emitted EOS gets the pad token from
then on; the loop ends when every sequence has or when `max_length` tokens (prompt included) exist. Unlike
`generate`, an image whose N sequences have all ended leaves the batch: its rows stop costing compute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from capfilt.curate.engines.fast.attention import ImageGroups
from capfilt.curate.engines.fast.decoder import ImageKeysValues, TextDecoder

# choose(tokens so far of the live rows, their next-token logits, their row ids) -> next token per live row
Chooser = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


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
    choose: Chooser,
    limits: Limits,
) -> torch.Tensor:
    """prompt (P,) shared by all images -> token ids (images * copies, length), prompt included.

    Row i * copies + j is sequence j of image i.
    """
    images = image_kv[0][0].shape[0]
    rows = images * copies
    if prompt.shape[0] >= limits.max_length:
        raise ValueError(
            f"max_length {limits.max_length} leaves no room after the {prompt.shape[0]}-token prompt"
        )
    device = prompt.device
    cache = decoder.new_cache(rows, limits.max_length, like=image_kv[0][0])
    logits = decoder.prefill(prompt.expand(images, -1), image_kv, cache, copies)
    logits = logits.float().repeat_interleave(copies, dim=0)
    groups = ImageGroups.repeated(images, copies, device)
    tokens = prompt.expand(rows, -1)
    unfinished = torch.ones(rows, dtype=torch.bool, device=device)
    live = torch.arange(rows, device=device)  # rows still decoding, whole images at a time
    while True:
        chosen = choose(tokens[live], logits, live)
        chosen = torch.where(unfinished[live], chosen, torch.full_like(chosen, limits.pad_token_id))
        step = torch.full((rows,), limits.pad_token_id, dtype=tokens.dtype, device=device)
        step[live] = chosen
        tokens = torch.cat([tokens, step[:, None]], dim=1)
        unfinished[live] &= chosen != limits.eos_token_id
        if tokens.shape[1] >= limits.max_length or not bool(unfinished.any()):
            return tokens
        images_left = unfinished[live].view(-1, copies).any(dim=1)
        if not bool(images_left.all()):
            kept = images_left.nonzero().flatten()
            kept_rows = (kept[:, None] * copies + torch.arange(copies, device=device)).flatten()
            live, chosen = live[kept_rows], chosen[kept_rows]
            image_kv = [(keys[kept], values[kept]) for keys, values in image_kv]
            cache.keep_rows(kept_rows)
            groups = ImageGroups.repeated(kept.shape[0], copies, device)
        logits = decoder.step(chosen, tokens.shape[1] - 1, image_kv, groups, cache).float()
