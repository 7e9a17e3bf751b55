"""BLIP for pretraining and fine-tuning, assembled from transformers' BLIP modules.

Submodule names equal those of `BlipForConditionalGeneration` (vision_model, text_decoder) and
`BlipForImageTextRetrieval` (vision_model, text_encoder, vision_proj, text_proj, itm_head), so a state dict
exports to either class by selecting keys, with no renaming. Only the objectives live here.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.functional import normalize
from transformers import BlipConfig, BlipTextLMHeadModel, BlipTextModel, BlipVisionModel

from models.blip import losses
from models.blip.momentum import MomentumDistiller
from models.common import ranks

OBJECTIVES = ("itc", "itm", "lm")

# What each fine-tuned model is trained with (the paper's captioner and filter).
TASK_OBJECTIVES = {
    "pretrain": ("itc", "itm", "lm"),
    "captioner": ("lm",),
    "filter": ("itc", "itm"),
}


@dataclass
class BlipObjectiveConfig:
    """Settings of the training objectives (BLIP paper defaults)."""

    objectives: tuple[str, ...] = OBJECTIVES
    # ITC temperature: learnable, initialised at 0.07 and clamped to [0.001, 0.5] as in BLIP.
    temperature: float = 0.07
    # The decoder's language-modelling loss uses label smoothing 0.1 (BLIP).
    label_smoothing: float = 0.1
    # Share all but self-attention between text encoder and decoder during pretraining (BLIP, sec. 3.1).
    share_text_layers: bool = True
    # Momentum encoder + feature queue with soft ITC targets (BLIP's momentum distillation); off by default.
    momentum: bool = False
    momentum_decay: float = 0.995
    queue_size: int = 57600
    distill_alpha: float = 0.4
    # Training forwards over which alpha ramps up from 0 (BLIP: its first epoch); 0 = alpha from the start.
    distill_alpha_ramp_steps: int = 0
    # Under torchrun, ITM hard negatives (and, without the momentum queue, ITC negatives) from every rank's
    # batch, as BLIP's `negative_all_rank`; no effect in one process.
    negative_all_rank: bool = False


class BlipPretrainingModel(nn.Module):
    """Vision transformer, text encoder with cross-attention, and image-grounded decoder, with BLIP's losses.

    Only the parts the chosen objectives need are built: the captioner (LM) has no text encoder,
    the filter (ITC + ITM) has no decoder.
    """

    def __init__(self, config: BlipConfig, objective: BlipObjectiveConfig | None = None):
        super().__init__()
        self.config = config
        self.objective = objective or BlipObjectiveConfig()
        unknown = set(self.objective.objectives) - set(OBJECTIVES)
        if unknown or not self.objective.objectives:
            raise ValueError(
                f"objectives must be a non-empty subset of {OBJECTIVES}, got {self.objective.objectives}"
            )
        wants = set(self.objective.objectives)
        text_config, vision_config = config.text_config, config.vision_config

        self.vision_model = BlipVisionModel(vision_config)
        if wants & {"itc", "itm"}:
            self.text_encoder = BlipTextModel(text_config, add_pooling_layer=False)
            self.vision_proj = nn.Linear(vision_config.hidden_size, config.image_text_hidden_size)
            self.text_proj = nn.Linear(text_config.hidden_size, config.image_text_hidden_size)
            self.itm_head = nn.Linear(text_config.hidden_size, 2)
            self.temp = nn.Parameter(torch.tensor(self.objective.temperature))
        if "lm" in wants:
            self.text_decoder = BlipTextLMHeadModel(text_config)
            if self.objective.share_text_layers and hasattr(self, "text_encoder"):
                share_text_layers(self.text_encoder, self.text_decoder)
        self.distiller = MomentumDistiller(self, self.objective) if self.objective.momentum else None

    @property
    def objectives(self) -> tuple[str, ...]:
        return self.objective.objectives

    # --- the three views the objectives and the exported transformers classes share ---

    def image_embeds(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.vision_model(pixel_values=pixel_values).last_hidden_state

    def itc_features(
        self, image_embeds: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Normalised image and text features, as `BlipForImageTextRetrieval(use_itm_head=False)` computes."""
        text = self.text_encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        image_feat = normalize(self.vision_proj(image_embeds[:, 0, :]), dim=-1)
        text_feat = normalize(self.text_proj(text[:, 0, :]), dim=-1)
        return image_feat, text_feat

    def itm_logits(
        self, image_embeds: torch.Tensor, itm_input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        """No-match / match logits; see models.blip.conventions for the first token of `itm_input_ids`."""
        image_atts = torch.ones(image_embeds.shape[:-1], dtype=torch.long, device=image_embeds.device)
        fused = self.text_encoder(
            input_ids=itm_input_ids,
            attention_mask=attention_mask,
            encoder_hidden_states=image_embeds,
            encoder_attention_mask=image_atts,
        ).last_hidden_state
        return self.itm_head(fused[:, 0, :])

    def lm_logits(
        self, image_embeds: torch.Tensor, decoder_input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        """Next-token logits of the image-grounded decoder; `decoder_input_ids` start with [DEC]."""
        return self.text_decoder(
            input_ids=decoder_input_ids, attention_mask=attention_mask, encoder_hidden_states=image_embeds
        ).logits

    # --- training ---

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Losses for one batch (see models.blip.collate for its keys); `loss` is their sum."""
        wants = set(self.objectives)
        image_embeds = self.image_embeds(batch["pixel_values"])
        out: dict[str, torch.Tensor] = {}
        if wants & {"itc", "itm"}:
            with torch.no_grad():
                self.temp.clamp_(0.001, 0.5)
            image_feat, text_feat = self.itc_features(
                image_embeds, batch["input_ids"], batch["attention_mask"]
            )
            cross_rank = self.objective.negative_all_rank and ranks.world_size() > 1
            if self.distiller is not None:
                # BLIP's ITC with the queue: the in-batch columns are this rank's momentum features (other
                # ranks' arrive through the queue, blip_retrieval.py).
                same_pair = batch["pair_ids"][:, None] == batch["pair_ids"][None, :]
                sim_i2t, sim_t2i, soft_i2t, soft_t2i = self.distiller(batch, image_feat, text_feat, same_pair)
                # ITM draws from the in-batch columns (blip_pretrain.py); across ranks, from the online
                # features of every rank (blip_retrieval.py's negative_all_rank branch).
                bs = same_pair.shape[0]
                mining = (sim_i2t[:, :bs], sim_t2i[:, :bs], same_pair)
                if cross_rank:
                    with torch.no_grad():
                        mining = self._similarities(image_feat, text_feat, batch["pair_ids"], ranks.all_ranks)
            else:
                gather = ranks.all_ranks_with_grad if cross_rank else None
                sim_i2t, sim_t2i, same_pair = self._similarities(
                    image_feat, text_feat, batch["pair_ids"], gather
                )
                soft_i2t = soft_t2i = losses.positive_targets(same_pair)
                mining = (sim_i2t, sim_t2i, same_pair)
            if "itc" in wants:
                out["itc"] = losses.itc_loss(sim_i2t, sim_t2i, soft_i2t, soft_t2i)
            if "itm" in wants:
                out["itm"] = self._itm_loss(image_embeds, batch, mining, cross_rank)
        if "lm" in wants:
            logits = self.lm_logits(image_embeds, batch["decoder_input_ids"], batch["decoder_attention_mask"])
            out["lm"] = losses.lm_loss(logits, batch["labels"], self.objective.label_smoothing)
        out["loss"] = sum(out.values())
        return out

    def _similarities(self, image_feat, text_feat, pair_ids, gather=None):
        """(sim_i2t, sim_t2i, same_pair) of this rank's rows against its own batch (gather None) or against
        every rank's (`gather`: ranks.all_ranks_with_grad for the loss, ranks.all_ranks for mining only)."""
        if gather is None:
            sim_i2t = image_feat @ text_feat.t() / self.temp
            return sim_i2t, sim_i2t.t(), pair_ids[:, None] == pair_ids[None, :]
        sim_i2t = image_feat @ gather(text_feat).t() / self.temp
        sim_t2i = text_feat @ gather(image_feat).t() / self.temp
        return sim_i2t, sim_t2i, pair_ids[:, None] == ranks.all_ranks(pair_ids)[None, :]

    def _itm_loss(self, image_embeds, batch, mining, cross_rank: bool) -> torch.Tensor:
        ids, mask = batch["itm_input_ids"], batch["attention_mask"]
        neg_image, neg_text = losses.sample_hard_negatives(*mining)
        images, texts, masks = losses.negative_pool(image_embeds, ids, mask, cross_rank)
        all_images = torch.cat([image_embeds, images[neg_image], image_embeds])
        all_ids = torch.cat([ids, ids, texts[neg_text]])
        all_mask = torch.cat([mask, mask, masks[neg_text]])
        logits = self.itm_logits(all_images, all_ids, all_mask)
        return losses.itm_loss(logits, ids.shape[0])


def share_text_layers(encoder: BlipTextModel, decoder: BlipTextLMHeadModel) -> None:
    """Make the decoder reuse the encoder's embeddings, cross-attention and feed-forward (BLIP, sec. 3.1).

    Self-attention stays separate: it is bidirectional in the encoder and causal in the decoder.
    """
    decoder.bert.embeddings = encoder.embeddings
    for enc_layer, dec_layer in zip(encoder.encoder.layer, decoder.bert.encoder.layer, strict=True):
        dec_layer.crossattention = enc_layer.crossattention
        dec_layer.intermediate = enc_layer.intermediate
        dec_layer.output = enc_layer.output
    # The output projection is tied to the word embeddings; re-tie it to the shared ones.
    decoder.cls.predictions.decoder.weight = encoder.embeddings.word_embeddings.weight
