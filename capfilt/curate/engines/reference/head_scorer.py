"""A head on a CLIP/SigLIP scorer's image embedding (`--scorer NAME=head:FILE.safetensors@BASE`): LAION's
aesthetic predictors and NSFW heads of their layouts (`capfilt.curate.heads`). A score of the image alone:
every text of an image gets head(L2-normalised image embedding of BASE), clamped to the stated range."""

from __future__ import annotations

import fsspec
import torch
from PIL import Image
from safetensors.torch import load as load_safetensors

from capfilt.curate import heads
from capfilt.curate.engines.interfaces import Scorer, ScorerSettings
from capfilt.curate.engines.reference.cosine_scorer import CosineScorer


def build_head(info: heads.HeadInfo, weights: dict[str, torch.Tensor]) -> torch.nn.Sequential:
    """The head as torch layers (Dropout is the identity at inference, so only Linear and ReLU remain)."""
    layers: list[torch.nn.Module] = []
    for index, prefix in enumerate(info.prefixes):
        linear = torch.nn.Linear(info.widths[index], info.widths[index + 1])
        linear.load_state_dict({"weight": weights[prefix + "weight"], "bias": weights[prefix + "bias"]})
        layers.append(linear)
        if info.relu and index < len(info.prefixes) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).float().eval()


class HeadScorer(Scorer):
    def __init__(self, settings: ScorerSettings, base: CosineScorer):
        spec = heads.parse_head(settings.checkpoint)
        self.settings, self.name, self.base = settings, settings.name, base
        with fsspec.open(spec.path, "rb") as handle:
            data = handle.read()
        self.info = heads.describe(spec.path, heads.read_header(spec.path))
        if self.info.input_dim != base.embedding_dim:
            raise heads.HeadError(
                f"--scorer {self.name}: head {spec.path} reads {self.info.input_dim}-wide embeddings, but "
                f"scorer {spec.base}'s image embedding is {base.embedding_dim}-wide"
            )
        self.score_range = self.info.score_range
        self.head = build_head(self.info, load_safetensors(data)).to(base.model.device)

    @torch.inference_mode()
    def image_scores(self, images: list[Image.Image]) -> list[float]:
        if not images:
            return []
        values = self.head(self.base.image_embeddings(images)).squeeze(-1)
        if self.info.output == "sigmoid":
            values = torch.sigmoid(values)
        return values.clamp(*self.score_range).tolist()

    def score(self, images: list[Image.Image], texts: list[list[str]]) -> list[list[float]]:
        per_image = self.image_scores(images)
        return [[value] * len(image_texts) for value, image_texts in zip(per_image, texts, strict=True)]
