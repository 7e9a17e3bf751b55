"""BLIP's momentum distillation for ITC: an EMA copy of the unimodal encoders and a queue of their features.

Off by default (the flag `momentum` of BlipObjectiveConfig). Under DDP every rank enqueues the momentum
features of every rank's batch, in rank order, as BLIP does (`concat_all_gather`): the queues stay identical
across ranks and fill world-size times faster. Every rank must hold the same batch size.
"""

from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.functional import normalize

from models.common.ranks import all_ranks

ONLINE_PARTS = ("vision_model", "vision_proj", "text_encoder", "text_proj")


class MomentumDistiller(nn.Module):
    def __init__(self, model: nn.Module, objective):
        super().__init__()
        self.decay = objective.momentum_decay
        self.alpha = objective.distill_alpha
        # A plain list keeps the online model out of this module's parameters and state dict.
        self._online = [model]
        for name in ONLINE_PARTS:
            part = copy.deepcopy(getattr(model, name))
            part.requires_grad_(False)
            setattr(self, name, part)
        dim = model.config.image_text_hidden_size
        self.register_buffer("image_queue", normalize(torch.randn(dim, objective.queue_size), dim=0))
        self.register_buffer("text_queue", normalize(torch.randn(dim, objective.queue_size), dim=0))
        self.register_buffer("pair_queue", torch.full((objective.queue_size,), -100, dtype=torch.long))
        self.register_buffer("queue_ptr", torch.zeros((), dtype=torch.long))
        # BLIP ramps alpha from 0 over its first epoch (alpha * min(1, i / len(data_loader))); the count of
        # training forwards rides in the state dict so a resumed run continues the ramp. 0: no ramp.
        self.alpha_ramp_steps = objective.distill_alpha_ramp_steps
        if self.alpha_ramp_steps:
            self.register_buffer("forwards", torch.zeros((), dtype=torch.long))

    def current_alpha(self) -> float:
        """The soft targets' weight at this forward: distill_alpha, ramped linearly over the first steps."""
        if not self.alpha_ramp_steps:
            return self.alpha
        return self.alpha * min(1.0, int(self.forwards) / self.alpha_ramp_steps)

    @torch.no_grad()
    def reset(self) -> None:
        """Copy the online weights into the momentum encoders (after loading a checkpoint)."""
        online = self._online[0]
        for name in ONLINE_PARTS:
            getattr(self, name).load_state_dict(getattr(online, name).state_dict())

    @torch.no_grad()
    def _update(self) -> None:
        online = self._online[0]
        for name in ONLINE_PARTS:
            for p_m, p in zip(
                getattr(self, name).parameters(), getattr(online, name).parameters(), strict=True
            ):
                p_m.mul_(self.decay).add_(p.detach(), alpha=1 - self.decay)

    @torch.no_grad()
    def _features(self, batch) -> tuple[torch.Tensor, torch.Tensor]:
        image = self.vision_model(pixel_values=batch["pixel_values"]).last_hidden_state
        text = self.text_encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        image_feat = normalize(self.vision_proj(image[:, 0, :]), dim=-1)
        text_feat = normalize(self.text_proj(text.last_hidden_state[:, 0, :]), dim=-1)
        return image_feat, text_feat

    @torch.no_grad()
    def _enqueue(self, image_feat, text_feat, pair_ids) -> None:
        size, ptr, n = self.image_queue.shape[1], int(self.queue_ptr), image_feat.shape[0]
        index = torch.arange(ptr, ptr + n, device=image_feat.device) % size
        self.image_queue[:, index] = image_feat.t()
        self.text_queue[:, index] = text_feat.t()
        self.pair_queue[index] = pair_ids
        self.queue_ptr.fill_((ptr + n) % size)

    def forward(self, batch, image_feat, text_feat, same_pair):
        """Similarities against [momentum batch features, queue] and their soft targets."""
        temp = self._online[0].temp
        with torch.no_grad():
            self._update()
            image_feat_m, text_feat_m = self._features(batch)
            image_all = torch.cat([image_feat_m.t(), self.image_queue.clone()], dim=1)
            text_all = torch.cat([text_feat_m.t(), self.text_queue.clone()], dim=1)
            pairs_all = torch.cat([batch["pair_ids"], self.pair_queue.clone()])
            hard = (batch["pair_ids"][:, None] == pairs_all[None, :]).float()
            hard = hard / hard.sum(dim=1, keepdim=True)
            alpha = self.current_alpha()
            soft_i2t = alpha * F.softmax(image_feat_m @ text_all / temp, dim=1) + (1 - alpha) * hard
            soft_t2i = alpha * F.softmax(text_feat_m @ image_all / temp, dim=1) + (1 - alpha) * hard
        sim_i2t = image_feat @ text_all / temp
        sim_t2i = text_feat @ image_all / temp
        if self.training:
            self._enqueue(all_ranks(image_feat_m), all_ranks(text_feat_m), all_ranks(batch["pair_ids"]))
            if self.alpha_ramp_steps:
                self.forwards += 1
        return sim_i2t, sim_t2i, soft_i2t, soft_t2i
