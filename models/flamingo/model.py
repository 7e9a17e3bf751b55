"""Flamingo around any transformers causal LM: frozen vision encoder -> Perceiver Resampler -> GATED
XATTN-DENSE blocks in front of the frozen LM's decoder layers.

The LM is not modified: its classes are untouched and its state dict keeps its own keys (so it saves and
loads as itself). The wrapper owns the new blocks and runs each one in a forward pre-hook on the LM layer it
precedes, with the visual tokens of the current forward call. Only the resampler, the gated blocks and the
embeddings (input and output) of `<image>` and `<|endofchunk|>` train.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from models.common.losses import caption_loss
from models.flamingo.gated_xattn import GatedCrossAttentionBlock, media_time
from models.flamingo.resampler import PerceiverResampler
from models.lm.model import decoder_layers, freeze


@dataclass
class FlamingoConfig:
    """Architecture of the new parts (paper defaults where they apply)."""

    num_latents: int = 64
    resampler_depth: int = 6
    resampler_heads: int = 8
    resampler_dim_head: int = 64
    max_frames: int = 8
    cross_attn_every: int = 1  # a gated block before LM layer 0, k, 2k, ...
    xattn_heads: int = 8
    xattn_dim_head: int = 64
    ff_mult: int = 4

    def to_dict(self) -> dict:
        return asdict(self)


class FlamingoModel(nn.Module):
    def __init__(self, vision, lm: nn.Module, new_token_ids: list[int], config: FlamingoConfig | None = None):
        super().__init__()
        self.config = config or FlamingoConfig()
        c = self.config
        self.vision = freeze(vision)
        self.lm = freeze(lm)
        self.media_token_id, self.eoc_token_id = new_token_ids
        self.register_buffer("new_token_ids", torch.tensor(new_token_ids), persistent=False)
        dim_visual = vision.hidden_size
        dim_lm = lm.get_input_embeddings().embedding_dim
        self.resampler = PerceiverResampler(
            dim_visual,
            c.resampler_depth,
            c.num_latents,
            c.resampler_heads,
            c.resampler_dim_head,
            c.max_frames,
        )
        layers = decoder_layers(lm)
        self.xattn_layer_ids = list(range(0, len(layers), c.cross_attn_every))
        self.gated_xattn = nn.ModuleList(
            GatedCrossAttentionBlock(dim_lm, dim_visual, c.xattn_heads, c.xattn_dim_head, c.ff_mult)
            for _ in self.xattn_layer_ids
        )
        self.new_embeddings, self.new_output = self._new_token_parameters(lm, len(new_token_ids))
        self._context: tuple[torch.Tensor, torch.Tensor] | None = None
        for block, index in zip(self.gated_xattn, self.xattn_layer_ids, strict=True):
            layers[index].register_forward_pre_hook(self._hook(block), with_kwargs=True)
        # The output projection's input is the LM's final hidden state, whatever the family calls it.
        self._final_hidden: torch.Tensor | None = None
        lm.get_output_embeddings().register_forward_pre_hook(self._capture_final_hidden)

    @staticmethod
    def _new_token_parameters(lm: nn.Module, count: int) -> tuple[nn.Embedding, nn.Linear]:
        """Input and output embeddings of the new tokens, initialised at the mean of the LM's (as
        transformers' resize_token_embeddings does), so they start as ordinary tokens."""
        inputs = lm.get_input_embeddings().weight
        outputs = lm.get_output_embeddings().weight
        embedding = nn.Embedding(count, inputs.shape[1])
        output = nn.Linear(outputs.shape[1], count, bias=False)
        with torch.no_grad():
            embedding.weight.copy_(inputs.mean(0).expand(count, -1))
            output.weight.copy_(outputs.mean(0).expand(count, -1))
        return embedding, output

    def train(self, mode: bool = True):
        super().train(mode)
        self.vision.eval()  # frozen parts never use dropout
        self.lm.eval()
        return self

    # --- hooks ---

    def _hook(self, block: GatedCrossAttentionBlock):
        def run_block(_module, args, kwargs):
            if self._context is None:
                return None
            visual, phi = self._context
            if args:
                return (block(args[0], visual, phi), *args[1:]), kwargs
            kwargs["hidden_states"] = block(kwargs["hidden_states"], visual, phi)
            return args, kwargs

        return run_block

    def _capture_final_hidden(self, _module, args):
        self._final_hidden = args[0]

    @contextmanager
    def _conditioned_on(self, visual: torch.Tensor, phi: torch.Tensor):
        self._context = (visual, phi)
        try:
            yield
        finally:
            self._context, self._final_hidden = None, None

    # --- the model ---

    def encode_media(self, pixel_values: torch.Tensor, frame_mask: torch.Tensor) -> torch.Tensor:
        """pixel_values (B, M, T, 3, H, W), frame_mask (B, M, T) -> visual tokens (B, M, num_latents, D).

        The frozen tower runs without gradient on the real frames only.
        """
        b, m, t = frame_mask.shape
        with torch.no_grad():
            real = self.vision(pixel_values[frame_mask])
            features = real.new_zeros(b, m, t, *real.shape[1:])
            features[frame_mask] = real
        tokens = self.resampler(features.flatten(0, 1), frame_mask.flatten(0, 1))
        return tokens.view(b, m, *tokens.shape[1:])

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The LM's embeddings, except the new tokens' (trainable, possibly outside the LM's vocabulary)."""
        which = input_ids[..., None] == self.new_token_ids  # (B, S, n_new)
        is_new = which.any(-1)
        inputs = self.lm.get_input_embeddings()(input_ids.masked_fill(is_new, 0))
        new = self.new_embeddings(which.long().argmax(-1))
        return torch.where(is_new[..., None], new.to(inputs.dtype), inputs)

    def logits(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, visual: torch.Tensor
    ) -> torch.Tensor:
        """Next-token logits over the LM's vocabulary extended by the new tokens (B, S, V')."""
        phi = media_time(input_ids, self.media_token_id)
        with self._conditioned_on(visual, phi):
            lm_logits = self.lm(inputs_embeds=self.embed(input_ids), attention_mask=attention_mask).logits
            new_logits = self.new_output(self._final_hidden)
        vocab = max(lm_logits.shape[-1], int(self.new_token_ids.max()) + 1)
        logits = F.pad(lm_logits, (0, vocab - lm_logits.shape[-1]), value=torch.finfo(lm_logits.dtype).min)
        return logits.index_copy(-1, self.new_token_ids, new_logits.to(logits.dtype))

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        visual = self.encode_media(batch["pixel_values"], batch["frame_mask"])
        logits = self.logits(batch["input_ids"], batch["attention_mask"], visual)
        return {"loss": caption_loss(logits, batch["labels"])}
