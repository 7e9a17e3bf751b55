"""GATED XATTN-DENSE (Flamingo, fig. 4) and the mask Phi that says which image each text token may see."""

from __future__ import annotations

import torch
from torch import nn

from models.flamingo.resampler import feed_forward


def media_time(input_ids: torch.Tensor, media_token_id: int) -> torch.Tensor:
    """Phi: for each position, how many media (`<image>` tokens) appeared at or before it.

    Position l attends to the visual tokens of media number phi(l) only (1-based; the `<image>` token itself
    already belongs to its image); phi(l) = 0 means no image yet, and such a position gets no visual signal.
    """
    return (input_ids == media_token_id).long().cumsum(dim=-1)


class MaskedCrossAttention(nn.Module):
    """Text queries attend to the visual tokens of the one media item Phi assigns them."""

    def __init__(self, dim: int, dim_visual: int, heads: int, dim_head: int):
        super().__init__()
        self.heads, self.dim_head = heads, dim_head
        self.norm = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, heads * dim_head, bias=False)
        self.to_kv = nn.Linear(dim_visual, 2 * heads * dim_head, bias=False)
        self.to_out = nn.Linear(heads * dim_head, dim, bias=False)

    def forward(self, x: torch.Tensor, visual: torch.Tensor, phi: torch.Tensor) -> torch.Tensor:
        """x (B, S, d), visual (B, M, L, D) for media 1..M, phi (B, S) -> (B, S, d)."""
        b, media, latents, _ = visual.shape
        key_media = torch.arange(1, media + 1, device=x.device).repeat_interleave(latents)  # (M*L,)
        allowed = phi[:, :, None] == key_media[None, None, :]  # (B, S, M*L)
        has_media = allowed.any(dim=-1, keepdim=True)
        # A row with nothing to attend to would give NaN; let it attend anywhere, then zero its output.
        allowed = allowed | ~has_media
        q = self._split(self.to_q(self.norm(x)))
        k, v = (self._split(t) for t in self.to_kv(visual.flatten(1, 2)).chunk(2, dim=-1))
        out = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=allowed[:, None])
        out = self.to_out(out.transpose(1, 2).flatten(2))
        return out * has_media.to(out.dtype)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(*x.shape[:2], self.heads, self.dim_head).transpose(1, 2)


class GatedCrossAttentionBlock(nn.Module):
    """x = x + tanh(alpha) * xattn(x, visual); x = x + tanh(beta) * ffw(x), with alpha = beta = 0 at init,
    so the frozen LM's output is unchanged until the gates open."""

    def __init__(self, dim: int, dim_visual: int, heads: int = 8, dim_head: int = 64, ff_mult: int = 4):
        super().__init__()
        self.attention = MaskedCrossAttention(dim, dim_visual, heads, dim_head)
        self.attention_gate = nn.Parameter(torch.tensor(0.0))
        self.ff = feed_forward(dim, ff_mult)
        self.ff_gate = nn.Parameter(torch.tensor(0.0))

    def forward(self, x: torch.Tensor, visual: torch.Tensor, phi: torch.Tensor) -> torch.Tensor:
        x = x + self.attention_gate.tanh() * self.attention(x, visual, phi)
        return x + self.ff_gate.tanh() * self.ff(x)
