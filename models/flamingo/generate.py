"""Few-shot generation with a Flamingo: images and a prompt whose `<image>` tokens say where each goes."""

from __future__ import annotations

import torch
from PIL import Image

from models.flamingo.data import pad_media
from models.flamingo.model import FlamingoModel


@torch.no_grad()
def generate(
    model: FlamingoModel,
    tokenizer,
    images: list[Image.Image],
    prompt: str,
    max_new_tokens: int = 30,
    top_p: float = 0.0,
    seed: int = 0,
) -> str:
    """The continuation of `prompt` (greedy, or nucleus sampling when top_p > 0), up to `<|endofchunk|>`.

    Recomputes the whole sequence per token: no cache, so every step sees exactly the training-time masks.
    """
    media_token = tokenizer.convert_ids_to_tokens(model.media_token_id)
    if prompt.count(media_token) != len(images):
        raise ValueError(
            f"the prompt has {prompt.count(media_token)} {media_token} tokens for {len(images)} images"
        )
    processor = model.vision.image_processor
    frames = [processor(images=img.convert("RGB"), return_tensors="pt").pixel_values for img in images]
    pixel_values, frame_mask = pad_media([frames])
    visual = model.encode_media(pixel_values, frame_mask)
    ids = tokenizer(prompt, return_tensors="pt").input_ids
    generator = torch.Generator().manual_seed(seed)
    stop = {model.eoc_token_id, tokenizer.eos_token_id}
    new: list[int] = []
    for _ in range(max_new_tokens):
        logits = model.logits(ids, torch.ones_like(ids), visual)[0, -1].float()
        logits[model.media_token_id] = float("-inf")  # no image to attach to a generated one
        token = _pick(logits, top_p, generator)
        if token in stop:
            break
        new.append(token)
        ids = torch.cat([ids, torch.tensor([[token]])], dim=1)
    return tokenizer.decode(new, skip_special_tokens=True).strip()


def _pick(logits: torch.Tensor, top_p: float, generator: torch.Generator) -> int:
    if top_p <= 0:
        return int(logits.argmax())
    probs, order = logits.softmax(-1).sort(descending=True)
    keep = probs.cumsum(0) - probs < top_p
    probs = probs * keep
    return int(order[torch.multinomial(probs / probs.sum(), 1, generator=generator)])
