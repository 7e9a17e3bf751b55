"""CapFilt inference speed: images/s to write N captions per image and ITM-score T_w and every T_s.

(a) transformers' public API used the straightforward way: `BlipForConditionalGeneration.generate(...,
    num_return_sequences=N)` (nucleus sampling, BLIP's settings), then `BlipForImageTextRetrieval` on
    (image, text) pair batches (each image preprocessed once, its pixels repeated per pair);
(b) this project's engine (capfilt/curate/engines/fast) on the same batches;
(c) the whole Beam job, `pipelines.capfilt` on DirectRunner with the engine, end to end (reading, decoding,
    both models, policy, Parquet, report), on the same images written as a `pairs` Parquet file.

Same images (demo world), same checkpoints (BLIP-size dimensions, random weights, separate captioner and
filter, as in BLIP), and every caption has exactly max_length tokens on both sides (min_length = max_length,
so EOS never ends one early). Each measurement is repeated, (a) and (b) alternately, and the best kept: on a
shared machine the best run is the one least disturbed by others.

    .venv/bin/python -m benchmarks.capfilt                   # BLIP-base, 224 px, 4 images, N = 1 and 5
    .venv/bin/python -m benchmarks.capfilt --images 16 --batch-size 8 --repeats 3 --threads 2
    .venv/bin/python -m benchmarks.capfilt --preset large --image-size 384 --device cuda --precision bf16

Prints one line per figure and ends with exactly one JSON line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: this folder's capfilt.py must not shadow the capfilt package
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

from benchmarks import capfilt_setup as setup  # noqa: E402
from capfilt.curate import checkpoints
from capfilt.curate.engines.fast.caption_and_score import CaptionAndScore  # noqa: E402
from capfilt.curate.engines.fast.captioner import FastCaptioner  # noqa: E402
from capfilt.curate.engines.fast.filter import FastFilter  # noqa: E402
from capfilt.curate.engines.interfaces import CaptionerSettings, FilterSettings  # noqa: E402
from capfilt.curate.engines.reference.captioner import (  # noqa: E402
    BLIP_SAMPLING_REPETITION_PENALTY,
    BLIP_SAMPLING_TOP_K,
)
from capfilt.curate.engines.reference.filter import itm_probability  # noqa: E402
from capfilt.curate.engines.registry import engine_names  # noqa: E402
from capfilt.curate.seeding import record_seed  # noqa: E402
from capfilt.flags import option, parse_settings  # noqa: E402

PROMPT = "a picture of "
ITM_MAX_TOKENS = 35


def batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class Reference:
    """(a): the public transformers API, the way its documentation shows it."""

    def __init__(self, captioner: str, filter: str, device: str, precision: str):
        self.captioner, self.captioner_processor = checkpoints.load(captioner, "captioner", device, precision)
        self.filter, self.filter_processor = checkpoints.load(filter, "filter", device, precision)

    @torch.inference_mode()
    def run(self, images, web_texts, num_captions: int, max_length: int) -> list[list[float]]:
        device, dtype = self.captioner.device, self.captioner.dtype
        inputs = self.captioner_processor(images=images, text=[PROMPT] * len(images), return_tensors="pt")
        output = self.captioner.generate(
            pixel_values=inputs.pixel_values.to(device, dtype),
            input_ids=inputs.input_ids.to(device),
            max_length=max_length,
            min_length=max_length,
            do_sample=True,
            top_k=BLIP_SAMPLING_TOP_K,
            top_p=0.9,
            repetition_penalty=BLIP_SAMPLING_REPETITION_PENALTY,
            num_return_sequences=num_captions,
        )
        prompt_length = inputs.input_ids.shape[1] - 1
        texts = self.captioner_processor.batch_decode(output[:, prompt_length:], skip_special_tokens=True)
        captions = batches([t.strip() for t in texts], num_captions)
        pairs = [(i, text) for i, web in enumerate(web_texts) for text in [web, *captions[i]]]
        pixels = self.filter_processor.image_processor(images=images, return_tensors="pt").pixel_values
        tokens = self.filter_processor.tokenizer(
            [text for _, text in pairs],
            padding="longest",
            truncation=True,
            max_length=ITM_MAX_TOKENS,
            return_tensors="pt",
        ).to(device)
        index = torch.tensor([i for i, _ in pairs])
        itm = self.filter(pixel_values=pixels[index].to(device, dtype), use_itm_head=True, **tokens).itm_score
        return batches(itm_probability(itm).tolist(), num_captions + 1)


def engine(captioner: str, filter: str, num_captions: int, max_length: int, device: str, precision: str):
    """(b): the engine, as the pipeline configures it."""
    caption_settings = CaptionerSettings(
        captioner,
        num_captions=num_captions,
        min_length=max_length,
        max_length=max_length,
        prompt=PROMPT,
        device=device,
        precision=precision,
    )
    filter_settings = FilterSettings(filter, max_tokens=ITM_MAX_TOKENS, device=device, precision=precision)
    return CaptionAndScore(FastCaptioner(caption_settings), FastFilter(filter_settings))


def timed(function, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process). On a shared CPU the run queue inflates wall time; CPU
    time counts only the work this process did, so with one thread it is the steadier comparison."""
    started, cpu_started = time.perf_counter(), time.process_time()
    function(*args)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - started, time.process_time() - cpu_started


def run_reference(reference: Reference, image_batches, num_captions: int, max_length: int) -> None:
    for images, web_texts, _ in image_batches:
        reference.run(images, web_texts, num_captions, max_length)


def run_engine(fast: CaptionAndScore, image_batches) -> None:
    for images, web_texts, seeds in image_batches:
        fast.run(images, seeds, web_texts)


# Where the engine's time goes: (label, object path from CaptionAndScore, method). The methods are wrapped,
# for one extra pass, with a CPU-time counter; with one thread CPU time is the work, whatever the load.
SECTIONS = (
    ("captioner ViT", "captioner", "encode"),
    ("captioner cross-attention K/V", "captioner.decoder", "image_keys_values"),
    ("prompt prefill", "captioner.decoder", "prefill"),
    ("decoding steps", "captioner.decoder", "step"),
    ("next-token rule (processors, sampling)", "sampling", "__call__"),
    ("filter ViT", "filter", "encode"),
    ("filter cross-attention K/V", "filter.itm", "image_keys_values"),
    ("ITM text encoder", "filter.itm", "itm_logits"),
)


def section_seconds(fast: CaptionAndScore, image_batches) -> tuple[dict[str, float], float]:
    """CPU seconds per engine section over one pass of the batches, and the pass's total CPU seconds."""
    from capfilt.curate.engines.fast import sampling

    spent: dict[str, float] = {}
    restore = []

    def counted(label, function):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - started

        return wrapper

    for label, where, method in SECTIONS:
        if where == "sampling":  # the chooser is built per call: count it on its classes
            targets = [sampling.Nucleus, sampling.Greedy]
        else:
            target = fast
            for name in where.split("."):
                target = getattr(target, name)
            targets = [target]
        for target in targets:
            restore.append((target, method, target.__dict__.get(method)))
            setattr(target, method, counted(label, getattr(target, method)))
    try:
        _, total = timed(run_engine, fast, image_batches)
    finally:
        for target, method, original in reversed(restore):
            if original is None:
                delattr(target, method)
            else:
                setattr(target, method, original)
    return {label: round(spent.get(label, 0.0), 3) for label, _, _ in SECTIONS}, total


def gmac_per_image(images: int, function, *args) -> float:
    """Multiply-adds per image of one pass, as torch's FlopCounterMode counts them (matrix products and
    attention; 2 FLOPs per multiply-add); elementwise work, sampling included, is not counted."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        function(*args)
    return counter.get_total_flops() / 2 / images / 1e9


def pipeline_rate(
    args, parquet_glob: str, captioner: str, filter: str, num_captions: int
) -> tuple[float, str]:
    """(c): the Beam job end to end on DirectRunner; returns (images/s, how the engine was selected)."""
    from pipelines import capfilt as job

    engine_name = args.pipeline_engine
    how = f"--engine {engine_name}"
    summaries = []
    with tempfile.TemporaryDirectory() as output:
        argv = [
            "--runner=DirectRunner",
            f"--input={parquet_glob}",
            f"--output={output}/out",
            f"--captioner={captioner}",
            f"--filter={filter}",
            f"--engine={engine_name}",
            f"--num_captions={num_captions}",
            f"--min_length={args.max_length}",
            f"--max_length={args.max_length}",
            f"--batch_size={args.batch_size}",
            f"--device={args.device}",
            f"--precision={args.precision}",
            # The job sets its own thread count as its models load; give it the bare engine's, so (c)/(b)
            # compares the same CPU budget.
            f"--torch_threads={torch.get_num_threads()}",
        ]
        seconds, cpu_seconds = timed(lambda: summaries.append(job.run(argv)))
    if summaries[0]["inputs"] != args.images:
        raise RuntimeError(f"pipeline read {summaries[0]['inputs']} records, expected {args.images}")
    return args.images / seconds, args.images / cpu_seconds, how


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    preset: str = option("base", "BLIP dimensions", ("base", "large"))
    image_size: int = option(224)
    images: int = option(4)
    batch_size: int = option(4, "images per model call (both sides)")
    captions: str = option("1,5", "comma-separated N (captions per image)")
    max_length: int = option(30, "tokens per caption, prompt included")
    repeats: int = option(2, "runs per side; the best is kept")
    threads: int = option(
        1,
        "torch intra-op threads (0: torch's default). On a shared CPU, "
        "2 threads stall on each other whenever the load exceeds the cores; 1 is the stable choice.",
    )
    device: str = option("cpu", choices=("cpu", "cuda"))
    precision: str = option("fp32", choices=("fp32", "bf16", "fp16"))
    skip_pipeline: bool = option(False, "measure (a) and (b) only")
    sections: bool = option(False, "after (b), one more engine pass timing its sections (CPU seconds)")
    flops: bool = option(
        False, "one more pass of each side counting its multiply-adds (torch FlopCounterMode)"
    )
    pipeline_engine: str = option("fast", "the pipeline's --engine for (c)", choices=tuple(engine_names()))


def parse_args() -> Settings:
    return parse_settings(
        Settings, prog="python -m benchmarks.capfilt", description=__doc__.splitlines()[0], dashed=True
    )


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    load_before = os.getloadavg()[0]
    captioner, filter = setup.checkpoints(args.preset, args.image_size)
    workdir = tempfile.mkdtemp(prefix="capfilt-bench-")
    parquet_glob, images, keys, web_texts = setup.demo_pairs(args.images, args.image_size, workdir)
    seeds = [record_seed(key, 0) for key in keys]
    image_batches = list(
        zip(
            batches(images, args.batch_size),
            batches(web_texts, args.batch_size),
            batches(seeds, args.batch_size),
            strict=True,
        )
    )
    print(
        f"capfilt benchmark: BLIP-{args.preset} dims, random weights, {args.image_size} px, "
        f"{args.images} images, batch {args.batch_size}, {args.max_length} tokens per caption, "
        f"{torch.get_num_threads()} thread(s), {args.device} {args.precision}, "
        f"load average {load_before:.2f}",
        flush=True,
    )
    reference = Reference(captioner, filter, args.device, args.precision)
    results = {}
    for num_captions in [int(n) for n in args.captions.split(",")]:
        started = time.perf_counter()
        fast = engine(captioner, filter, num_captions, args.max_length, args.device, args.precision)
        engine_load_seconds = time.perf_counter() - started
        # Warm-up on one image: first-call allocations and kernel selection are not throughput.
        reference.run(images[:1], web_texts[:1], num_captions, args.max_length)
        fast.run(images[:1], seeds[:1], web_texts[:1])
        a_times, b_times = [], []
        for _ in range(args.repeats):
            a_times.append(timed(run_reference, reference, image_batches, num_captions, args.max_length))
            b_times.append(timed(run_engine, fast, image_batches))
        a, b = args.images / min(t for t, _ in a_times), args.images / min(t for t, _ in b_times)
        a_cpu, b_cpu = args.images / min(c for _, c in a_times), args.images / min(c for _, c in b_times)
        figures = {
            "reference_images_per_s": round(a, 4),
            "engine_images_per_s": round(b, 4),
            "b_over_a": round(b / a, 3),
            "reference_images_per_cpu_s": round(a_cpu, 4),
            "engine_images_per_cpu_s": round(b_cpu, 4),
            "b_over_a_cpu": round(b_cpu / a_cpu, 3),
            "engine_load_seconds": round(engine_load_seconds, 1),
        }
        print(
            f"N={num_captions}: (a) transformers {a:.3f} images/s ({a_cpu:.3f}/CPU-s)   "
            f"(b) engine {b:.3f} images/s ({b_cpu:.3f}/CPU-s)   b/a {b / a:.2f} (CPU {b_cpu / a_cpu:.2f})"
        )
        if args.sections:
            spent, total = section_seconds(fast, image_batches)
            figures["engine_section_cpu_s"] = {**spent, "total": round(total, 3)}
            shares = "   ".join(f"{label} {100 * s / total:.1f}%" for label, s in spent.items())
            print(f"N={num_captions}: engine CPU {total:.2f}s: {shares}")
        if args.flops:
            a_gmac = gmac_per_image(
                args.images, run_reference, reference, image_batches, num_captions, args.max_length
            )
            b_gmac = gmac_per_image(args.images, run_engine, fast, image_batches)
            figures.update(reference_gmac_per_image=round(a_gmac, 2), engine_gmac_per_image=round(b_gmac, 2))
            print(
                f"N={num_captions}: multiply-adds per image: (a) {a_gmac:.1f} GMAC  (b) {b_gmac:.1f} GMAC  "
                f"a/b {a_gmac / b_gmac:.2f}"
            )
        if args.skip_pipeline:
            print(f"N={num_captions}: (c) pipeline skipped (--skip-pipeline)")
        else:
            c, c_cpu, how = pipeline_rate(args, parquet_glob, captioner, filter, num_captions)
            figures.update(
                pipeline_images_per_s=round(c, 4),
                pipeline_images_per_cpu_s=round(c_cpu, 4),
                c_over_b=round(c / b, 3),
                c_over_b_cpu=round(c_cpu / b_cpu, 3),
                pipeline_engine=how,
            )
            print(
                f"N={num_captions}: (c) pipeline {c:.3f} images/s ({c_cpu:.3f}/CPU-s) end to end, Beam "
                f"start-up and model loading included (engine load alone {engine_load_seconds:.1f}s)   "
                f"c/b {c / b:.2f} (CPU {c_cpu / b_cpu:.2f})   [{how}]"
            )
        results[f"n{num_captions}"] = figures
    summary = {
        "benchmark": "capfilt",
        "preset": args.preset,
        "image_size": args.image_size,
        "images": args.images,
        "batch_size": args.batch_size,
        "tokens_per_caption": args.max_length,
        "threads": torch.get_num_threads(),
        "device": args.device,
        "precision": args.precision,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        **results,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
