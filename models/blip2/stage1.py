"""BLIP-2 stage 1: a frozen image encoder and the Q-Former trained with ITC, ITM and ITG.

Built from transformers' BLIP-2 modules. `Blip2QFormerModel` accepts a prepared 4-D attention mask and
runs cross-attention and the query feed-forward on the first `query_length` positions only, which is all
BLIP-2's three masks need, so the Q-Former is transformers' own. Submodule names equal
`Blip2ForImageTextRetrieval`'s, so the exported weights load there; the ITG head (`itg_head`, a BERT-style
prediction head tied to the word embeddings) and the learned temperature (`temp`) are this project's
additions, which transformers ignores on load.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.functional import normalize
from transformers import Blip2Config, Blip2QFormerModel, Blip2VisionModel
from transformers.models.blip_2.modeling_blip_2 import Blip2TextEmbeddings

# Stage 1 is BLIP's ITC/ITM/ITG recipe on the Q-Former (BLIP-2 sec. 3.2): it builds on BLIP's own losses.
from models.blip import losses
from models.blip2.masks import additive, attention_mask
from models.common import ranks
from models.common.losses import caption_loss
from models.lm.model import freeze


@dataclass
class Stage1Objective:
    temperature: float = 0.07  # learned, clamped to [0.001, 0.5] (BLIP/BLIP-2)
    label_smoothing: float = 0.1  # ITG, as in BLIP-2's code
    # ITC targets smoothed by 0.1 as LAVIS's blip2_qformer (`F.cross_entropy(..., label_smoothing=0.1)`).
    itc_label_smoothing: float = 0.1
    # Under torchrun, ITC and ITM negatives from every rank's batch (LAVIS's blip2_qformer always gathers);
    # no effect in one process.
    negative_all_rank: bool = True


class PredictionHead(nn.Module):
    """dense -> GELU -> LayerNorm -> vocabulary projection (BERT's LM head), decoder tied to embeddings."""

    def __init__(self, hidden: int, word_embeddings: nn.Embedding, eps: float):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=eps)
        self.decoder = nn.Linear(hidden, word_embeddings.num_embeddings)
        self.decoder.weight = word_embeddings.weight

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.norm(nn.functional.gelu(self.dense(hidden))))


class Blip2Stage1(nn.Module):
    def __init__(self, config: Blip2Config, objective: Stage1Objective | None = None):
        super().__init__()
        self.config = config
        self.objective = objective or Stage1Objective()
        qc = config.qformer_config
        self.vision_model = freeze(Blip2VisionModel(config.vision_config))
        self.query_tokens = nn.Parameter(
            torch.randn(1, config.num_query_tokens, qc.hidden_size) * qc.initializer_range
        )
        self.embeddings = Blip2TextEmbeddings(qc)
        self.qformer = Blip2QFormerModel(qc)
        self.vision_projection = nn.Linear(qc.hidden_size, config.image_text_hidden_size)
        self.text_projection = nn.Linear(qc.hidden_size, config.image_text_hidden_size)
        self.itm_head = nn.Linear(qc.hidden_size, 2)
        self.itg_head = PredictionHead(qc.hidden_size, self.embeddings.word_embeddings, qc.layer_norm_eps)
        self.temp = nn.Parameter(torch.tensor(self.objective.temperature))
        nn.init.normal_(self.embeddings.word_embeddings.weight, std=qc.initializer_range)
        nn.init.normal_(self.embeddings.position_embeddings.weight, std=qc.initializer_range)

    @property
    def num_queries(self) -> int:
        return self.query_tokens.shape[1]

    def train(self, mode: bool = True):
        super().train(mode)
        self.vision_model.eval()
        return self

    def image_embeds(self, pixel_values: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.vision_model(pixel_values=pixel_values).last_hidden_state

    def qformer_states(
        self, kind: str, image_embeds: torch.Tensor, input_ids: torch.Tensor, text_mask: torch.Tensor
    ) -> torch.Tensor:
        """Hidden states of [queries; text] under the `kind` mask (itc, itm or itg): (B, Q + T, H)."""
        queries = self.query_tokens.expand(input_ids.shape[0], -1, -1)
        embeds = self.embeddings(input_ids=input_ids, query_embeds=queries)
        mask = additive(attention_mask(kind, self.num_queries, text_mask), embeds.dtype)
        return self.qformer(
            query_embeds=embeds,
            query_length=self.num_queries,
            attention_mask=mask,
            encoder_hidden_states=image_embeds,
        ).last_hidden_state

    def itc_features(self, states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Normalised query features (B, Q, E) and text [CLS] features (B, E) of ITC states."""
        image_feat = normalize(self.vision_projection(states[:, : self.num_queries]), dim=-1)
        text_feat = normalize(self.text_projection(states[:, self.num_queries]), dim=-1)
        return image_feat, text_feat

    def similarity(self, states: torch.Tensor) -> torch.Tensor:
        """sim[i, j] = max over image i's queries of cos(query, text j's [CLS]) / temperature."""
        return query_similarity(*self.itc_features(states)) / self.temp

    def itm_logits(self, image_embeds, input_ids, text_mask) -> torch.Tensor:
        """No-match / match logits, averaged over the queries (BLIP-2)."""
        states = self.qformer_states("itm", image_embeds, input_ids, text_mask)
        return self.itm_head(states[:, : self.num_queries]).mean(dim=1)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """ITC + ITM + ITG for a batch of models.blip.collate.BlipCollator (prompt "")."""
        with torch.no_grad():
            self.temp.clamp_(0.001, 0.5)
        image_embeds = self.image_embeds(batch["pixel_values"])
        ids, mask = batch["input_ids"], batch["attention_mask"]
        image_feat, text_feat = self.itc_features(self.qformer_states("itc", image_embeds, ids, mask))
        pair_ids = batch["pair_ids"]
        cross_rank = self.objective.negative_all_rank and ranks.world_size() > 1
        if cross_rank:
            # This rank's rows against every rank's columns, gathered with gradient. LAVIS gathers without
            # (concat_all_gather): the same loss, but its gradient lacks the other ranks' terms; this one
            # equals the gradient over the global batch in one process.
            sim_i2t = query_similarity(image_feat, ranks.all_ranks_with_grad(text_feat)) / self.temp
            sim_t2i = query_similarity(ranks.all_ranks_with_grad(image_feat), text_feat).t() / self.temp
            same_pair = pair_ids[:, None] == ranks.all_ranks(pair_ids)[None, :]
        else:
            sim_i2t = query_similarity(image_feat, text_feat) / self.temp
            sim_t2i = sim_i2t.t()
            same_pair = pair_ids[:, None] == pair_ids[None, :]
        targets = losses.smoothed(losses.positive_targets(same_pair), self.objective.itc_label_smoothing)
        out = {"itc": losses.itc_loss(sim_i2t, sim_t2i, targets, targets)}

        bs = ids.shape[0]
        neg_image, neg_text = losses.sample_hard_negatives(sim_i2t, sim_t2i, same_pair)
        itm_ids = batch["itm_input_ids"]
        images, texts, masks = losses.negative_pool(image_embeds, itm_ids, mask, cross_rank)
        logits = self.itm_logits(
            torch.cat([image_embeds, images[neg_image], image_embeds]),
            torch.cat([itm_ids, itm_ids, texts[neg_text]]),
            torch.cat([mask, mask, masks[neg_text]]),
        )
        out["itm"] = losses.itm_loss(logits, bs)

        decoder_mask = batch["decoder_attention_mask"]
        states = self.qformer_states("itg", image_embeds, batch["decoder_input_ids"], decoder_mask)
        lm_logits = self.itg_head(states[:, self.num_queries :])
        out["itg"] = losses.lm_loss(lm_logits, batch["labels"], self.objective.label_smoothing)
        out["loss"] = out["itc"] + out["itm"] + out["itg"]
        return out

    def caption_losses(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """ITG loss per sample, no label smoothing: how well each image predicts its caption."""
        image_embeds = self.image_embeds(batch["pixel_values"])
        states = self.qformer_states(
            "itg", image_embeds, batch["decoder_input_ids"], batch["decoder_attention_mask"]
        )
        logits = self.itg_head(states[:, self.num_queries :])
        return caption_loss(logits, batch["labels"], reduction="none")


def query_similarity(image_feat: torch.Tensor, text_feat: torch.Tensor) -> torch.Tensor:
    """sim[i, j] = max over image i's queries (I, Q, E) of cos(query, text j's feature) (J, E)."""
    return torch.einsum("iqe,je->ijq", image_feat, text_feat).amax(-1)
