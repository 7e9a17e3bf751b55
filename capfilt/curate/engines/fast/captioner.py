"""`FastCaptioner`: the pipeline's Captioner interface on this engine.

It subclasses the reference `TransformersCaptioner` to inherit, unchanged, what must be identical between
the two paths: checkpoint loading, image preprocessing, prompt tokenisation, BLIP's sampling settings,
per-caption seeds and the way the prompt is stripped. Only the model computation differs.
"""

from __future__ import annotations

import torch
from PIL import Image

from capfilt.curate.engines.fast.decoder import TextDecoder
from capfilt.curate.engines.fast.generation import Limits, generate
from capfilt.curate.engines.fast.sampling import Greedy, Nucleus
from capfilt.curate.engines.fast.vision import encode_images
from capfilt.curate.engines.interfaces import Caption, CaptionerSettings
from capfilt.curate.engines.reference.captioner import (
    BLIP_SAMPLING_REPETITION_PENALTY,
    BLIP_SAMPLING_TOP_K,
    TransformersCaptioner,
    beam_kwargs,
    per_image,
    ran_to_max_length,
)
from capfilt.curate.seeding import caption_seed, generators


class FastCaptioner(TransformersCaptioner):
    def __init__(self, settings: CaptionerSettings):
        super().__init__(settings)
        text_config = self.model.config.text_config
        self.decoder = TextDecoder(self.model.text_decoder)
        self.limits = Limits(settings.max_length, text_config.sep_token_id, text_config.pad_token_id)
        # What BlipForConditionalGeneration.generate feeds the decoder: [DEC] (bos) instead of the
        # processor's [CLS], and the prompt without its trailing [SEP].
        prompt = self.prompt_ids[0].clone()
        prompt[0] = text_config.bos_token_id
        self.decoder_prompt = prompt[:-1].to(self.device)

    @torch.inference_mode()
    def captions(self, images: list[Image.Image], seeds: list[int]) -> list[list[Caption]]:
        if not images:
            return []
        return self.captions_from_image_embeds(self.encode(images), seeds)

    def encode(self, images: list[Image.Image]) -> torch.Tensor:
        """This captioner's image tokens (images, tokens, hidden)."""
        return encode_images(self.model.vision_model, self.pixel_values(images))

    @torch.inference_mode()
    def captions_from_image_embeds(self, image_embeds: torch.Tensor, seeds: list[int]) -> list[list[Caption]]:
        """Captions from this captioner's vision-encoder output (images, tokens, hidden)."""
        n = self.settings.num_captions
        copies = n if self.settings.decoding == "nucleus" else 1
        tokens = self.token_ids(image_embeds, seeds, copies)
        generated = tokens[:, self.decoder_prompt.shape[0] :]
        texts = [text.strip() for text in self.processor.batch_decode(generated, skip_special_tokens=True)]
        cut = ran_to_max_length(
            generated, tokens.shape[1], self.settings.max_length, self.limits.eos_token_id
        )
        return per_image(texts, cut, image_embeds.shape[0], n, copies)

    def caption_image_embeds(self, image_embeds: torch.Tensor, seeds: list[int]) -> list[list[str]]:
        """The texts of captions_from_image_embeds."""
        return [[c.text for c in row] for row in self.captions_from_image_embeds(image_embeds, seeds)]

    def token_ids(self, image_embeds: torch.Tensor, seeds: list[int], copies: int) -> torch.Tensor:
        """Ids as `generate` returns them (prompt included); row i * copies + j is sample j of image i."""
        s = self.settings
        eos = self.limits.eos_token_id
        if s.decoding == "beam":
            return self.beam_token_ids(image_embeds)
        if s.decoding == "nucleus":
            rows = generators([caption_seed(seed, j) for seed in seeds for j in range(copies)], self.device)
            choose = Nucleus(
                rows,
                s.min_length,
                eos,
                BLIP_SAMPLING_TOP_K,
                s.top_p,
                BLIP_SAMPLING_REPETITION_PENALTY,
                self.device,
            )
        else:
            choose = Greedy(s.min_length, eos, self.device)
        image_kv = self.decoder.image_keys_values(image_embeds)
        return generate(self.decoder, image_kv, self.decoder_prompt, copies, choose, self.limits)

    def beam_token_ids(self, image_embeds: torch.Tensor) -> torch.Tensor:
        """BLIP's beam search: transformers' own beam search over this engine's image tokens, called as
        `BlipForConditionalGeneration.generate` calls it, so the result is transformers' (beams reorder the
        cache every step, which the engine's shared-K/V decoder does not implement)."""
        text_config = self.model.config.text_config
        prompt = self.decoder_prompt.unsqueeze(0).repeat(image_embeds.shape[0], 1)
        image_mask = torch.ones(image_embeds.shape[:-1], dtype=torch.long, device=image_embeds.device)
        return self.model.text_decoder.generate(
            input_ids=prompt,
            eos_token_id=text_config.sep_token_id,
            pad_token_id=text_config.pad_token_id,
            encoder_hidden_states=image_embeds,
            encoder_attention_mask=image_mask,
            **beam_kwargs(self.settings.max_length, self.settings.min_length),
        )
