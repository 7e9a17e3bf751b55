"""CapFilt cost on paper: FLOPs per image for BLIP-base and BLIP-large, images/s per GPU, GPU-hours at scale.

An estimate, not a measurement: dense matmul FLOPs of each forward pass (2 per multiply-add), divided
by the GPU's dense bf16/fp16 peak times an assumed model FLOPs utilisation (MFU). Two ways to run:
- reference: transformers' public API used straightforwardly (the pipeline's `--engine transformers`):
  the captioner decodes N sequences that each compute their own cross-attention keys/values over the image
  tokens, and the retrieval model re-runs its ViT for every (image, text) pair, i.e. 1 + N times per image;
- shared: each ViT runs once per image and the cross-attention keys/values over image tokens are computed
  once per image and model, shared by all N sequences and all 1 + N scored texts (the engine of issue 6).

    python -m benchmarks.capfilt_cost_model [--mfu 0.3] [--tokens 30]

Prints a table and ends with one JSON line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from capfilt.flags import option, parse_settings

TEXT = {"layers": 12, "width": 768, "vocab": 30524}  # BERT-base text side of both BLIP sizes
VISION = {
    "blip-base": {"layers": 12, "width": 768},  # ViT-B/16
    "blip-large": {"layers": 24, "width": 1024},  # ViT-L/16
}
# Dense bf16/fp16 tensor-core peaks (TFLOP/s, no sparsity) of GPUs Dataflow offers, and the H100.
GPUS = {"nvidia-tesla-t4": 65, "nvidia-l4": 121, "nvidia-tesla-a100": 312, "nvidia-h100-80gb": 989}


@dataclass(frozen=True)
class Costs:
    vit: float
    cross_kv: float  # keys and values over the image tokens, all layers, one sequence
    decode_sequence: float  # one caption of `tokens` positions with a KV cache (no cross K/V)
    score_text: float  # one ITM text forward of `tokens` positions (no cross K/V)


def transformer_block_flops(tokens: int, width: int, context: int) -> float:
    """Self-attention projections (4 d^2) and MLP (8 d^2) as multiply-adds, plus attention over `context`."""
    return 2 * tokens * 12 * width**2 + 4 * tokens * context * width


def costs(model: str, image_size: int, tokens: int) -> Costs:
    vision, d_t = VISION[model], TEXT["width"]
    patches = (image_size // 16) ** 2
    n = patches + 1
    d_v = vision["width"]
    vit = vision["layers"] * transformer_block_flops(n, d_v, n) + 2 * patches * 3 * 16 * 16 * d_v
    cross_kv = TEXT["layers"] * 2 * 2 * n * d_v * d_t
    # Per text token and layer: self-attention block + cross-attention query/output (2 d^2) + attention.
    per_token = TEXT["layers"] * (transformer_block_flops(1, d_t, tokens) + 2 * 2 * d_t**2 + 4 * n * d_t)
    decode = tokens * (per_token + 2 * d_t * TEXT["vocab"])
    return Costs(vit=vit, cross_kv=cross_kv, decode_sequence=decode, score_text=tokens * per_token)


def flops_per_image(c: Costs, captions: int, shared: bool) -> float:
    texts = 1 + captions
    if shared:
        captioner = c.vit + c.cross_kv + captions * c.decode_sequence
        filter_ = c.vit + c.cross_kv + texts * c.score_text
    else:
        captioner = c.vit + captions * (c.cross_kv + c.decode_sequence)
        filter_ = texts * (c.vit + c.cross_kv + c.score_text)
    return captioner + filter_


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    mfu: float = option(0.3, "assumed fraction of peak FLOP/s achieved")
    tokens: int = option(30, "text positions per caption / scored text")
    image_size: int = option(384)


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.capfilt_cost_model", description=__doc__)

    results = []
    print(f"CapFilt cost model: {args.image_size} px, {args.tokens} text positions, MFU {args.mfu:.0%}")
    header = f"{'model':<11} {'N':>2} {'path':<9} {'GFLOP/img':>9}  " + "  ".join(
        f"{g.split('-', 1)[1][:10]:>10}" for g in GPUS
    )
    print(header + "   (images/s per GPU)")
    for model in VISION:
        c = costs(model, args.image_size, args.tokens)
        for captions in (1, 5):
            for shared in (False, True):
                flops = flops_per_image(c, captions, shared)
                rates = {gpu: peak * 1e12 * args.mfu / flops for gpu, peak in GPUS.items()}
                path = "shared" if shared else "reference"
                print(
                    f"{model:<11} {captions:>2} {path:<9} {flops / 1e9:>9.0f}  "
                    + "  ".join(f"{r:>10.0f}" for r in rates.values())
                )
                results.append(
                    {
                        "model": model,
                        "captions": captions,
                        "path": path,
                        "gflops_per_image": round(flops / 1e9, 1),
                        "images_per_second": {g: round(r, 1) for g, r in rates.items()},
                        "gpu_hours_100M": {g: round(1e8 / r / 3600) for g, r in rates.items()},
                        "gpu_hours_1B": {g: round(1e9 / r / 3600) for g, r in rates.items()},
                    }
                )
    print("\nGPU-hours for 100M / 1B images (N = 1, reference path):")
    for row in results:
        if row["captions"] == 1 and row["path"] == "reference":
            cells = ", ".join(f"{g}: {row['gpu_hours_100M'][g]} / {row['gpu_hours_1B'][g]}" for g in GPUS)
            print(f"  {row['model']}: {cells}")
    print(
        json.dumps(
            {"benchmark": "capfilt_cost_model", "mfu": args.mfu, "tokens": args.tokens, "rows": results}
        )
    )


if __name__ == "__main__":
    main()
