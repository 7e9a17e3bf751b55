"""The reference captioner: N synthetic captions T_s per image from BLIP's image-grounded text decoder.

It implements `engines.interfaces.Captioner` with transformers' public `generate`, exactly as BLIP's code
does:
- the prompt is tokenised with the processor, its [CLS] replaced by [DEC] (bos) and its [SEP] dropped
  (transformers' `BlipForConditionalGeneration.generate` does both, as BLIP's `generate` does);
- max_length / min_length count the prompt's tokens, as in BLIP;
- nucleus sampling uses BLIP's settings: top_p, top_k 50 (transformers' default at the time BLIP was
  written, which BLIP relied on) and repetition_penalty 1.1;
- beam search is BLIP's other decoding: 3 beams, repetition_penalty 1.0, one caption per image (repeated
  for `num_captions` > 1, as greedy is);
- the prompt is stripped by token count, then decoded (BLIP strips it by characters after decoding).

Each caption also says whether decoding stopped at max_length before the end token ([SEP]): such a caption
may end mid-phrase ("... and a purple cross on"), which its filter score does not reveal.
"""

from __future__ import annotations

import torch
from PIL import Image
from transformers import LogitsProcessorList, TopKLogitsWarper, TopPLogitsWarper

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import Caption, Captioner, CaptionerSettings
from capfilt.curate.seeding import PerRowSampler, caption_seed, generators

# BLIP's nucleus-sampling call (models/blip.py, BLIP_Decoder.generate with sample=True).
BLIP_SAMPLING_TOP_K = 50
BLIP_SAMPLING_REPETITION_PENALTY = 1.1
# BLIP's beam search (models/blip.py, BLIP_Decoder.generate with sample=False): 3 beams, no penalty.
BLIP_NUM_BEAMS = 3
BLIP_BEAM_REPETITION_PENALTY = 1.0


def beam_kwargs(max_length: int, min_length: int) -> dict:
    """`generate` keywords of BLIP's beam search; one sequence per image."""
    return {
        "max_length": max_length,
        "min_length": min_length,
        "num_beams": BLIP_NUM_BEAMS,
        "do_sample": False,
        "repetition_penalty": BLIP_BEAM_REPETITION_PENALTY,
    }


def ran_to_max_length(generated: torch.Tensor, length: int, max_length: int, eos_token_id: int) -> list[bool]:
    """Per row of generated ids (prompt excluded) of a sequence batch `length` tokens long (prompt
    included): True when the row reached max_length without its end token. A batch shorter than max_length
    ended because every row emitted the end token."""
    if length < max_length:
        return [False] * generated.shape[0]
    return (~(generated == eos_token_id).any(dim=1)).tolist()


def sampling_kwargs(settings: CaptionerSettings, seeds: list[int], device) -> dict:
    """`generate` arguments for BLIP's nucleus sampling with one generator per sequence (none for greedy).

    Sampling happens in PerRowSampler, the last logits processor; generate itself stays greedy. Row
    i*N + j is caption j of image i."""
    if settings.decoding != "nucleus":
        return {}
    rows = [caption_seed(seed, j) for seed in seeds for j in range(settings.num_captions)]
    warpers = [TopKLogitsWarper(BLIP_SAMPLING_TOP_K)]
    if settings.top_p < 1.0:
        warpers.append(TopPLogitsWarper(settings.top_p))
    return {
        "repetition_penalty": BLIP_SAMPLING_REPETITION_PENALTY,
        "logits_processor": LogitsProcessorList([*warpers, PerRowSampler(generators(rows, device))]),
    }


class TransformersCaptioner(Captioner):
    """The reference engine: `BlipForConditionalGeneration.generate`, one batch per call."""

    def __init__(self, settings: CaptionerSettings):
        self.settings = settings
        self.model, self.processor = checkpoints.load(
            settings.checkpoint, "captioner", settings.device, settings.precision
        )
        self.device = self.model.device
        self.dtype = self.model.dtype
        self.prompt_ids = self.processor.tokenizer(settings.prompt, return_tensors="pt").input_ids
        if self.prompt_ids.shape[1] - 1 >= settings.max_length:
            raise ValueError(f"--max_length {settings.max_length} leaves no room after the prompt")

    def pixel_values(self, images: list[Image.Image]) -> torch.Tensor:
        pixels = self.processor.image_processor(images=images, return_tensors="pt").pixel_values
        return pixels.to(self.device, self.dtype)

    def generate_kwargs(self, seeds: list[int]) -> dict:
        s = self.settings
        if s.decoding == "beam":
            return beam_kwargs(s.max_length, s.min_length)
        kwargs = {
            "max_length": s.max_length,
            "min_length": s.min_length,
            "num_beams": 1,
            "do_sample": False,
        }
        return {**kwargs, **sampling_kwargs(s, seeds, self.device)}

    @property
    def eos_token_id(self) -> int:
        # What BlipForConditionalGeneration.generate stops at.
        return self.model.config.text_config.sep_token_id

    @torch.inference_mode()
    def captions(self, images: list[Image.Image], seeds: list[int]) -> list[list[Caption]]:
        if not images:
            return []
        n = self.settings.num_captions
        # Greedy decoding gives one caption per image; sampling needs one sequence per caption, row i*n + j
        # being caption j of image i (what num_return_sequences does, which greedy generate refuses).
        copies = n if self.settings.decoding == "nucleus" else 1
        pixels = self.pixel_values(images).repeat_interleave(copies, dim=0)
        prompt = self.prompt_ids.repeat(pixels.shape[0], 1).to(self.device)
        output = self.model.generate(pixel_values=pixels, input_ids=prompt, **self.generate_kwargs(seeds))
        # generate returns [DEC] + prompt + continuation; the prompt is everything but its dropped [SEP].
        continuation = output[:, self.prompt_ids.shape[1] - 1 :]
        texts = [t.strip() for t in self.processor.batch_decode(continuation, skip_special_tokens=True)]
        cut = ran_to_max_length(continuation, output.shape[1], self.settings.max_length, self.eos_token_id)
        return per_image(texts, cut, len(images), n, copies)


def per_image(texts: list[str], cut: list[bool], images: int, n: int, copies: int) -> list[list[Caption]]:
    """Rows i * copies + j -> image i's n Captions (one greedy row stands for all n when copies == 1)."""
    rows = [Caption(text, hit) for text, hit in zip(texts, cut, strict=True)]
    if copies == 1:
        return [[row] * n for row in rows]
    return [rows[i * n : (i + 1) * n] for i in range(images)]
