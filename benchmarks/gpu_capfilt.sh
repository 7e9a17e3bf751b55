#!/usr/bin/env bash
# CapFilt inference on one GPU: BLIP-base and BLIP-large dimensions (random weights) at 384 px in bf16,
# transformers' API (a) vs the engine (b), N = 1 and 5 captions per image; then the Beam job (c) for base.
#
# Prepared but NOT YET RUN: no GPU was lent when it was written. Figures it prints belong in
# docs/engine.md and in docs/dataflow.md's cost model, with the card's name (nvidia-smi's first line).
#
#   bash benchmarks/gpu_capfilt.sh [python]        # ~10 minutes on an H100, most of it writing checkpoints
#
# Needs a Python environment with this repository's requirements and a CUDA build of torch; the BLIP-size
# checkpoints are written to ~/.cache/capfilt/ on first use (about 1 GB for base, 1.8 GB for large).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-python}
OUT=${OUT:-gpu_capfilt_results}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
for preset in base large; do
    # 64 images in batches of 32 keep each side near a minute at N = 5; --threads 0 leaves torch's default.
    "$PYTHON" benchmarks/capfilt.py --preset "$preset" --image-size 384 --device cuda --precision bf16 \
        --images 64 --batch-size 32 --captions 1,5 --repeats 2 --threads 0 --skip-pipeline \
        | tee "$OUT/blip-$preset-384-bf16.txt"
done
# The Beam job end to end on the GPU (DirectRunner, one process): what Beam costs around the engine.
"$PYTHON" benchmarks/capfilt.py --preset base --image-size 384 --device cuda --precision bf16 \
    --images 256 --batch-size 32 --captions 5 --repeats 1 --threads 0 \
    | tee "$OUT/blip-base-384-bf16-pipeline.txt"
tail -n 1 "$OUT"/*.txt
