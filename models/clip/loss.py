"""CLIP's contrastive loss: symmetric cross-entropy over image-text similarities, with distributed gather.

In the style of open_clip's loss.py. Under torchrun each rank embeds its own batch; the features of every rank
are gathered so that each image is contrasted with every text of the global batch.

- gather_with_grad: gather through an autograd all-gather, so gradients flow back to the rank that computed
  each feature. Without it the other ranks' features are constants and only the local ones get gradients.
- local_loss: each rank computes only its own rows (its images against all texts, its texts against all
  images), so the logits are (local x global) instead of (global x global) and memory grows linearly with
  the world size. With gather_with_grad and DDP's gradient averaging this gives exactly the gradients of the
  full global-batch loss (tests/models/test_clip_distributed.py).
"""

from __future__ import annotations

import math

import torch
import torch.distributed as dist
import torch.distributed.nn
from torch import nn
from torch.nn import functional as F

# CLIP initialises the temperature at 0.07 and clamps the scale 1/temperature at 100.
LOGIT_SCALE_INIT = math.log(1 / 0.07)
LOGIT_SCALE_MAX = math.log(100)


def gather_features(
    image_features: torch.Tensor,
    text_features: torch.Tensor,
    *,
    local_loss: bool = True,
    gather_with_grad: bool = True,
    rank: int = 0,
    world_size: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Every rank's features concatenated in rank order (this rank's own rows keep their gradient)."""
    if world_size == 1:
        return image_features, text_features
    if gather_with_grad:
        all_images = torch.cat(torch.distributed.nn.all_gather(image_features))
        all_texts = torch.cat(torch.distributed.nn.all_gather(text_features))
        return all_images, all_texts
    gathered_images = [torch.zeros_like(image_features) for _ in range(world_size)]
    gathered_texts = [torch.zeros_like(text_features) for _ in range(world_size)]
    dist.all_gather(gathered_images, image_features)
    dist.all_gather(gathered_texts, text_features)
    if not local_loss:
        # all_gather returns detached copies; put the local tensors back so their rows carry gradients.
        gathered_images[rank] = image_features
        gathered_texts[rank] = text_features
    return torch.cat(gathered_images), torch.cat(gathered_texts)


class ClipLoss(nn.Module):
    """Mean of image->text and text->image cross-entropy; the i-th image matches the i-th text.

    Features must already be L2-normalised; `logit_scale` is the log of the inverse temperature. Every rank
    must hold the same number of rows (the local-loss targets are offset by rank * rows).
    """

    def __init__(
        self,
        *,
        local_loss: bool = True,
        gather_with_grad: bool = True,
        rank: int | None = None,
        world_size: int | None = None,
    ):
        super().__init__()
        self.local_loss = local_loss
        self.gather_with_grad = gather_with_grad
        # None: read from the process group at each call, so the loss can be built before torchrun's setup.
        self._rank = rank
        self._world_size = world_size

    @property
    def rank(self) -> int:
        if self._rank is not None:
            return self._rank
        return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0

    @property
    def world_size(self) -> int:
        if self._world_size is not None:
            return self._world_size
        return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1

    def logits(
        self, image_features: torch.Tensor, text_features: torch.Tensor, logit_scale: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(logits per image, logits per text): rows are this rank's samples, or the global batch."""
        scale = logit_scale.exp()
        if self.world_size == 1:
            per_image = scale * image_features @ text_features.t()
            return per_image, per_image.t()
        all_images, all_texts = gather_features(
            image_features,
            text_features,
            local_loss=self.local_loss,
            gather_with_grad=self.gather_with_grad,
            rank=self.rank,
            world_size=self.world_size,
        )
        if self.local_loss:
            return scale * image_features @ all_texts.t(), scale * text_features @ all_images.t()
        per_image = scale * all_images @ all_texts.t()
        return per_image, per_image.t()

    def targets(self, num_rows: int, device: torch.device) -> torch.Tensor:
        """Column of each row's positive: offset by the rank when rows are local and columns global."""
        offset = num_rows * self.rank if self.world_size > 1 and self.local_loss else 0
        return torch.arange(num_rows, device=device) + offset

    def forward(
        self, image_features: torch.Tensor, text_features: torch.Tensor, logit_scale: torch.Tensor
    ) -> torch.Tensor:
        per_image, per_text = self.logits(image_features, text_features, logit_scale)
        targets = self.targets(per_image.shape[0], per_image.device)
        return (F.cross_entropy(per_image, targets) + F.cross_entropy(per_text, targets)) / 2


@torch.no_grad()
def clamp_logit_scale(logit_scale: torch.Tensor, maximum: float = LOGIT_SCALE_MAX) -> None:
    """Keep the temperature above 1/100 (CLIP); call after every optimiser step."""
    logit_scale.clamp_(0, maximum)
