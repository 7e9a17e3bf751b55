"""BLIP-2's three self-attention masks over [queries; text] in the Q-Former (paper, fig. 2, right).

Each is a boolean "row may attend to column" matrix of shape (B, Q + T, Q + T) for Q queries and T text
tokens (`text_mask` (B, T) marks real tokens; padding is never attended to):

- ITC, uni-modal: queries see queries, text sees text; neither sees the other.
- ITM, bi-directional: everything sees everything.
- ITG, multi-modal causal: queries see queries only; text sees all queries and the text up to itself.
"""

from __future__ import annotations

import torch

KINDS = ("itc", "itm", "itg")


def attention_mask(kind: str, num_queries: int, text_mask: torch.Tensor) -> torch.Tensor:
    if kind not in KINDS:
        raise ValueError(f"mask kind must be one of {KINDS}, got {kind!r}")
    b, t = text_mask.shape
    q = num_queries
    real_key = torch.cat([text_mask.new_ones(b, q), text_mask], dim=1).bool()  # (B, Q+T)
    is_query = torch.arange(q + t, device=text_mask.device) < q
    row_query, col_query = is_query[:, None], is_query[None, :]
    if kind == "itm":
        allowed = torch.ones(q + t, q + t, dtype=torch.bool, device=text_mask.device)
    elif kind == "itc":
        allowed = row_query == col_query
    else:
        position = torch.arange(q + t, device=text_mask.device)
        causal_text = (~row_query & ~col_query) & (position[None, :] <= position[:, None])
        allowed = (row_query & col_query) | (~row_query & col_query) | causal_text
    return allowed[None] & real_key[:, None, :]


def additive(allowed: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(B, L, L) booleans -> (B, 1, L, L) additive bias for transformers' attention functions."""
    bias = torch.zeros(allowed.shape, dtype=dtype, device=allowed.device)
    return bias.masked_fill(~allowed, torch.finfo(dtype).min)[:, None]
