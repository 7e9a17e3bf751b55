"""Flamingo's Perceiver Resampler: a variable number of visual features in, a fixed number of tokens out."""

from __future__ import annotations

import torch
from torch import nn


def feed_forward(dim: int, mult: int = 4) -> nn.Sequential:
    return nn.Sequential(
        nn.LayerNorm(dim),
        nn.Linear(dim, dim * mult, bias=False),
        nn.GELU(),
        nn.Linear(dim * mult, dim, bias=False),
    )


class PerceiverAttention(nn.Module):
    """Latents attend to [features; latents] (the paper's concatenation), keys of padded frames masked out."""

    def __init__(self, dim: int, heads: int, dim_head: int):
        super().__init__()
        self.heads, self.dim_head = heads, dim_head
        self.norm_media = nn.LayerNorm(dim)
        self.norm_latents = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, heads * dim_head, bias=False)
        self.to_kv = nn.Linear(dim, 2 * heads * dim_head, bias=False)
        self.to_out = nn.Linear(heads * dim_head, dim, bias=False)

    def forward(self, media: torch.Tensor, latents: torch.Tensor, media_mask: torch.Tensor) -> torch.Tensor:
        """media (B, K, D), latents (B, L, D), media_mask (B, K) True where a feature is real."""
        media, latents = self.norm_media(media), self.norm_latents(latents)
        inputs = torch.cat([media, latents], dim=1)
        keep = torch.cat([media_mask, media_mask.new_ones(latents.shape[:2])], dim=1)
        q = self._split(self.to_q(latents))
        k, v = (self._split(t) for t in self.to_kv(inputs).chunk(2, dim=-1))
        out = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=keep[:, None, None, :])
        return self.to_out(out.transpose(1, 2).flatten(2))

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(*x.shape[:2], self.heads, self.dim_head).transpose(1, 2)


class PerceiverResampler(nn.Module):
    """(N media, T frames, P patches, D) -> (N, num_latents, D).

    A learned temporal embedding is added to every patch of frame t; there is no spatial position encoding
    (the paper's choice: the vision tower already encodes space). Frames of one clip are flattened into one
    set of T*P features, so a clip yields num_latents tokens like a single image does.
    """

    def __init__(
        self,
        dim: int,
        depth: int = 6,
        num_latents: int = 64,
        heads: int = 8,
        dim_head: int = 64,
        max_frames: int = 8,
    ):
        super().__init__()
        # Unit scale: latents much smaller than the attention output all become the same vector after the
        # first layer, so cross-attention would see one token per image (docs/flamingo_blip2.md).
        self.latents = nn.Parameter(torch.randn(num_latents, dim))
        self.time_embeddings = nn.Parameter(torch.randn(max_frames, dim) * 0.02)
        self.layers = nn.ModuleList(
            nn.ModuleList([PerceiverAttention(dim, heads, dim_head), feed_forward(dim)]) for _ in range(depth)
        )
        self.norm = nn.LayerNorm(dim)

    @property
    def max_frames(self) -> int:
        return self.time_embeddings.shape[0]

    def forward(self, features: torch.Tensor, frame_mask: torch.Tensor | None = None) -> torch.Tensor:
        """features (N, T, P, D); frame_mask (N, T) True for real frames (clips shorter than T are padded)."""
        n, frames, patches, dim = features.shape
        if frames > self.max_frames:
            raise ValueError(
                f"{frames} frames per clip, but the resampler has {self.max_frames} time embeddings"
            )
        if frame_mask is None:
            frame_mask = features.new_ones(n, frames, dtype=torch.bool)
        x = (features + self.time_embeddings[:frames, None, :]).reshape(n, frames * patches, dim)
        mask = frame_mask[:, :, None].expand(n, frames, patches).reshape(n, frames * patches)
        latents = self.latents.expand(n, -1, -1)
        for attention, ff in self.layers:
            latents = latents + attention(x, latents, mask)
            latents = latents + ff(latents)
        return self.norm(latents)
