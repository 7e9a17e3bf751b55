"""Any image-text-to-text captioner through transformers' `generate`: BLIP-2 (OPT and Flan-T5), GIT, ...

BLIP checkpoints keep their own engines (`fast`, `transformers`); every other captioner runs here, whatever
`--engine` says. What stays the same as BLIP's path, so the pipeline cannot tell them apart:
- per-record seeds: nucleus sampling draws each sequence with its own generator (`PerRowSampler`, the last
  logits processor of a greedy `generate`), sequence j of image i in row i*N + j, so a caption depends on
  (key, run seed, index) only, never on the batch;
- BLIP's sampling settings (top_k 50, top_p, repetition penalty 1.1), and greedy decoding as the option;
- `Caption.hit_max_length`: the caption reached the length limit without an end token.

What differs, and why:
- the text given to the processor is the prompt (`--prompt_template` with `{prompt}` replaced by
  `--prompt`), tokenised by the checkpoint's own processor; for a decoder-only model (OPT, GIT) an end token
  the tokenizer appends (BERT's [SEP]) is dropped, as BLIP's code drops it, so generation continues the
  prompt instead of starting after an end;
- `--min_length`/`--max_length` count generated tokens only (`min_new_tokens`/`max_new_tokens`): here the
  input holds image tokens too (BLIP-2's queries) or sits on the encoder side (Flan-T5);
- the written caption is the generated continuation only (the prompt is never part of it).
"""

from __future__ import annotations

import torch
from PIL import Image

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import Caption, Captioner, CaptionerSettings
from capfilt.curate.engines.reference.captioner import per_image, sampling_kwargs

# Processor outputs `generate` does not take (BERT's segment ids, from GIT's tokenizer).
UNUSED_INPUTS = ("token_type_ids",)


def end_token_ids(model) -> set[int]:
    """The ids `generate` stops at (its generation config's eos, one id or several)."""
    eos = model.generation_config.eos_token_id
    if eos is None:
        eos = getattr(model.config.get_text_config(), "eos_token_id", None)
    if eos is None:
        return set()
    return {int(eos)} if isinstance(eos, int) else {int(i) for i in eos}


def reached_limit(new_tokens: torch.Tensor, max_new_tokens: int, eos: set[int]) -> list[bool]:
    """Per row of generated ids: True when it holds max_new_tokens tokens and none of them ends it."""
    if new_tokens.shape[1] < max_new_tokens or not eos:
        return [False] * new_tokens.shape[0]
    ended = torch.isin(new_tokens, torch.tensor(sorted(eos), device=new_tokens.device)).any(dim=1)
    return (~ended).tolist()


class GenerateCaptioner(Captioner):
    """`model.generate` of a Blip2ForConditionalGeneration or AutoModelForImageTextToText checkpoint."""

    def __init__(self, settings: CaptionerSettings):
        self.settings = settings
        self.model, self.processor = checkpoints.load_generate_captioner(
            settings.checkpoint, settings.device, settings.precision
        )
        self.device = self.model.device
        self.dtype = self.model.dtype
        self.encoder_decoder = bool(getattr(self.model.config.get_text_config(), "is_encoder_decoder", False))
        self.eos = end_token_ids(self.model)
        if settings.max_length < 1:
            raise ValueError("--max_length must leave room for at least one generated token")

    def inputs(self, images: list[Image.Image]) -> dict[str, torch.Tensor]:
        """Processor inputs for one row per image: pixels in the model's dtype, the prompt's ids."""
        prompts = [self.settings.prompt] * len(images)
        inputs = dict(self.processor(images=images, text=prompts, return_tensors="pt"))
        for name in UNUSED_INPUTS:
            inputs.pop(name, None)
        ids = inputs["input_ids"]
        if not self.encoder_decoder and ids.shape[1] > 1 and int(ids[0, -1]) in self.eos:
            # A decoder-only model continues the prompt: an appended end token would end it first.
            inputs["input_ids"], inputs["attention_mask"] = ids[:, :-1], inputs["attention_mask"][:, :-1]
        out = {}
        for name, value in inputs.items():
            value = value.to(self.device)
            out[name] = value.to(self.dtype) if value.is_floating_point() else value
        return out

    def generate_kwargs(self, seeds: list[int]) -> dict:
        s = self.settings
        kwargs = {
            "max_new_tokens": s.max_length,
            "min_new_tokens": s.min_length,
            "num_beams": 1,
            "do_sample": False,
        }
        return {**kwargs, **sampling_kwargs(s, seeds, self.device)}

    def new_tokens(self, output: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        """The generated continuation: after the decoder start token (encoder-decoder) or after the input
        (decoder-only models return the input first)."""
        if self.encoder_decoder:
            return output[:, 1:]
        return output[:, input_ids.shape[1] :]

    @torch.inference_mode()
    def captions(self, images: list[Image.Image], seeds: list[int]) -> list[list[Caption]]:
        if not images:
            return []
        n = self.settings.num_captions
        copies = n if self.settings.decoding == "nucleus" else 1
        inputs = {k: v.repeat_interleave(copies, dim=0) for k, v in self.inputs(images).items()}
        output = self.model.generate(**inputs, **self.generate_kwargs(seeds))
        generated = self.new_tokens(output, inputs["input_ids"])
        texts = [t.strip() for t in self.processor.batch_decode(generated, skip_special_tokens=True)]
        cut = reached_limit(generated, self.settings.max_length, self.eos)
        return per_image(texts, cut, len(images), n, copies)
