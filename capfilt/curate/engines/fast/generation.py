"""The decoding loop: prompt prefill per image, then one step per token for all N sequences of all images.

Stopping and padding follow `GenerationMixin._sample`: a sequence that emitted EOS gets the pad token from
then on; the loop ends when every sequence has or when `max_length` tokens (prompt included) exist. Unlike
`generate`, finished sequences leave the batch (an image's cross-attention K/V with its last one), in
batches of at least 1/8 of the rows so that the cache copy this costs pays for itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from capfilt.curate.engines.fast.attention import ImageGroups
from capfilt.curate.engines.fast.decoder import ImageKeysValues, TextDecoder

# Finished sequences leave the batch once this fraction of it (1/8) has finished, or a whole image has.
RETIRE_FRACTION = 8

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
    live = torch.arange(rows, device=device)  # rows still in the batch, in row (so image) order
    image_of_live = live // copies  # each live row's index into the current image_kv
    while True:
        chosen = choose(tokens[live], logits, live)
        chosen = torch.where(unfinished[live], chosen, torch.full_like(chosen, limits.pad_token_id))
        step = torch.full((rows,), limits.pad_token_id, dtype=tokens.dtype, device=device)
        step[live] = chosen
        tokens = torch.cat([tokens, step[:, None]], dim=1)
        unfinished[live] &= chosen != limits.eos_token_id
        if tokens.shape[1] >= limits.max_length or not bool(unfinished.any()):
            return tokens
        going_on = unfinished[live]
        if should_retire(going_on, image_of_live, image_kv[0][0].shape[0]):
            keep = going_on.nonzero().flatten()
            kept_images, image_of_live = torch.unique(image_of_live[keep], return_inverse=True)
            live, chosen = live[keep], chosen[keep]
            image_kv = [(keys[kept_images], values[kept_images]) for keys, values in image_kv]
            cache.keep_rows(keep)
            counts = torch.bincount(image_of_live, minlength=kept_images.shape[0])
            groups = ImageGroups.from_counts(counts.tolist(), device)
        logits = decoder.step(chosen, tokens.shape[1] - 1, image_kv, groups, cache).float()


def should_retire(going_on: torch.Tensor, image_of_live: torch.Tensor, images: int) -> bool:
    """Whether to drop the finished rows now. Dropping copies the self-attention cache, so it waits until
    it pays: an image whose sequences have all ended (its K/V leave too), or 1/RETIRE_FRACTION of the rows."""
    finished = going_on.shape[0] - int(going_on.sum())
    if finished == 0:
        return False
    if finished * RETIRE_FRACTION >= going_on.shape[0]:
        return True
    return int(torch.bincount(image_of_live[going_on], minlength=images).count_nonzero()) < images
