"""CapFilt's settings: one dataclass, defaults from the BLIP paper and code; CLI flags map 1:1 onto it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from capfilt.curate.policy_grammar import NAMED_POLICIES
from capfilt.curate.scorer_specs import scorer_ranges
from capfilt.flags import option as _option

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "models"
# The demo captioner and filter shipped with the repository (written by `models/`).
DEFAULT_CAPTIONER = str(ASSETS / "captioner")
DEFAULT_FILTER = str(ASSETS / "filter")

# The named policies; --policy also takes rules over any scorers (capfilt.curate.policy_grammar).
POLICIES = tuple(NAMED_POLICIES)
DECODINGS = ("nucleus", "greedy", "beam")
# BLIP's caption lengths per decoding (prompt included): nucleus in CapFilt (blip.py generate's defaults);
# beam as its captioning evaluation runs it (configs/caption_coco.yaml, num_beams 3); greedy like nucleus.
DECODING_LENGTHS = {"nucleus": (10, 30), "greedy": (10, 30), "beam": (5, 20)}
DEVICES = ("auto", "cpu", "cuda")
PRECISIONS = ("fp32", "bf16", "fp16")
ITM_FIRST_TOKENS = ("auto", "cls", "enc")


@dataclass
class CapfiltConfig:
    """Everything the CapFilt job needs besides Beam's own options."""

    input: str | None = _option(
        None,
        "Globs or folders (comma-separated, fsspec URLs) of `pairs`/`curated` Parquet, img2dataset "
        "Parquet, any image-text Parquet or Arrow table (Hugging Face datasets exports), or WebDataset "
        "tars; an ingest or capfilt output folder reads as its main table. Default: the demo world's web "
        "split, generated once and cached.",
    )
    input_format: str = _option(
        "auto",
        "Input format, detected per file by default.",
        ("auto", "pairs", "curated", "img2dataset", "image_text", "webdataset"),
    )
    text_column: str | None = _option(
        None,
        "Text column of an image-text table; default: the first of caption, text, alt, TEXT, txt, alt_text, "
        "captions, sentences.",
    )
    output: str = _option("capfilt_output", "Output directory (local or fsspec/Beam URL).")
    overwrite: bool = _option(
        False,
        "Write into a non-empty --output that is not an earlier output of this job; only files this job "
        "wrote there (its manifest) are replaced, anything else is kept.",
    )
    allow_empty_output: bool = _option(False, "Exit 0 even when no record was kept (default: exit 1).")
    captioner: str = _option(
        DEFAULT_CAPTIONER,
        "Captioner(s), comma-separated: directories or hub ids of a BlipForConditionalGeneration (the "
        "--engine), or of any image-text-to-text model: BLIP-2 (OPT, Flan-T5), GIT, ... (transformers' "
        "generate); each writes --num_captions captions per image. "
        "Default: the shipped demo captioner (capfilt/assets/models/captioner).",
        aliases=("--captioners",),
    )
    filter: str = _option(
        DEFAULT_FILTER,
        "Filter: a BlipForImageTextRetrieval directory or hub id. "
        "Default: the shipped demo filter (capfilt/assets/models/filter).",
    )
    scorer: tuple[str, ...] = _option(
        (),
        "Scorers beside the ITM filter, NAME=PATH_OR_HUB_ID comma-separated: CLIPModel or SiglipModel "
        "checkpoints (safetensors), each text's image-text cosine stored under NAME, e.g. "
        "clip=openai/clip-vit-large-patch14,siglip=google/siglip-base-patch16-224; "
        "NAME=blip2-itm:CKPT / NAME=blip2-itc:CKPT, a Blip2ForImageTextRetrieval's ITM probability [0, 1] "
        "or ITC similarity [-1, 1]; NAME=head:FILE.safetensors@BASE, a head on BASE's image embedding.",
        aliases=("--scorers",),
    )
    policy: str = _option(
        "paper",
        "paper: keep each text with ITM >= --itm_threshold; topk: keep the best --top_k texts by ITM; "
        "blip2: BLIP-2's recipe, top2(clip) (needs --scorer clip=..., use --num_captions 10); or rules "
        "over any scorers (docs/capfilt.md), e.g. 'itm>=0.5 & top30%%(clip)', 'top2(clip)', "
        "'web: top30%%(clip); fallback: clip>=0.28'.",
    )
    num_captions: int = _option(1, "Synthetic captions per image (BLIP: 1).")
    decoding: str = _option(
        "nucleus",
        "Captioner decoding: nucleus (BLIP CapFilt), greedy, or beam (BLIP's: 3 beams, repetition "
        "penalty 1.0, one caption per image).",
        DECODINGS,
    )
    top_p: float = _option(0.9, "Nucleus sampling probability mass.")
    min_length: int | None = _option(
        None, "Minimum caption length in tokens, prompt included (as in BLIP); default 10, with beam 5."
    )
    max_length: int | None = _option(
        None, "Maximum caption length in tokens, prompt included (as in BLIP); default 30, with beam 20."
    )
    prompt: str = _option("a picture of ", "Decoder prompt; stripped from the written captions.")
    prompt_template: str = _option(
        "{prompt}",
        "The text given to the captioner's processor, {prompt} standing for --prompt: e.g. "
        "'Question: what is in the picture? Answer: {prompt}' for BLIP-2 OPT, '<CAPTION>' for Florence-2.",
    )
    itm_threshold: float = _option(0.5, "paper policy: keep a text when its ITM match probability >= this.")
    top_k: int = _option(2, "topk policy: number of texts kept per image.")
    batch_size: int = _option(16, "Images per model batch (RunInference's max batch size).")
    device: str = _option(
        "auto",
        "Where the models run; auto picks cuda when available (checked first on local runners).",
        DEVICES,
    )
    precision: str = _option(
        "fp32",
        "Model dtype on GPU (bf16/fp16 halve memory and time); on CPU models always run in fp32.",
        PRECISIONS,
        aliases=("--dtype",),
    )
    seed: int = _option(0, "Run seed; each record's sampling seed derives from it and the record key.")
    itm_first_token: str = _option(
        "auto",
        "First token of filter inputs: cls = transformers' convention (processor output, [CLS]); "
        "enc = the original BLIP code's [ENC] token (the tokenizer's, else the id after [DEC]); auto = the "
        "checkpoint's config.json `itm_first_token` (written by this project's trainer), else enc, the "
        "convention Salesforce's published ITM checkpoints were trained with (docs/capfilt.md).",
        ITM_FIRST_TOKENS,
    )
    itm_max_tokens: int = _option(35, "Filter text length limit in tokens (BLIP's ITM uses 35).")
    engine: str = _option(
        "fast",
        "Inference engine: fast (capfilt/curate/engines/fast: each image encoded once, cross-attention "
        "keys/values shared by all its texts; docs/engine.md) or transformers (the reference, transformers' "
        "public API).",
    )
    torch_threads: int = _option(
        0,
        "CPU threads of each worker process's models (torch.set_num_threads). 0: the cores the process may "
        "use (affinity, cgroup quota; busy ones left out on a shared machine) / the processes of its "
        "machine that hold models (capfilt/threads.py).",
    )
    large_model: bool = _option(False, "Load one model per machine shared by all processes (GPU workers).")
    model_copies: int = _option(0, "Models per machine when shared (0: Beam's default, 1 with large_model).")
    quality_labels: str | None = _option(
        None,
        "Ground-truth labels Parquet (demo world labels/web.parquet) to measure precision/recall of the "
        "web-text verdicts. Set automatically for the default corpus.",
    )
    report_samples: int = _option(24, "Sample images shown in report.html.")
    embeddings: str | None = _option(
        None,
        "A CLIPModel directory or hub id: write OUTPUT/embeddings/ (float16 image and text embeddings of "
        "every curated image, keyed by key). Needed by --semdedup_eps and embedding decontamination. "
        "Off by default.",
    )
    semdedup_eps: float | None = _option(
        None,
        "SemDeDup: within a k-means cluster of image embeddings, drop an image whose cosine to a kept "
        "better-scored image is > 1 - eps (rejects: semdedup/semantic_duplicate). Off by default.",
    )
    semdedup_clusters: int = _option(100, "SemDeDup: k-means clusters (fewer when the sample is smaller).")
    semdedup_sample: int = _option(
        100_000, "SemDeDup: embeddings the k-means runs on (the same sample on any runner)."
    )
    decontaminate: str | None = _option(
        None,
        "Globs of an evaluation set (any --input format): drop curated images that are near-duplicates of "
        "its images by pHash, and by CLIP cosine with --embeddings (rejects: decontaminate/...). "
        "Off by default.",
    )
    decontaminate_phash_distance: int = _option(
        4, "Decontamination: pHash Hamming distance at or under which two images match (ingest: 4)."
    )
    decontaminate_cosine: float = _option(
        0.95, "Decontamination: image-embedding cosine at or over which two images match (with --embeddings)."
    )

    def __post_init__(self):
        # Unset lengths are the chosen decoding's BLIP defaults, so everything downstream sees numbers.
        shortest, longest = DECODING_LENGTHS.get(self.decoding, DECODING_LENGTHS["nucleus"])
        self.min_length = shortest if self.min_length is None else self.min_length
        self.max_length = longest if self.max_length is None else self.max_length

    def validate(self) -> CapfiltConfig:
        """Raise ValueError naming the first bad setting; returns self for chaining."""
        for item in fields(self):
            choices = item.metadata.get("choices")
            if choices and getattr(self, item.name) not in choices:
                raise ValueError(
                    f"--{item.name} must be one of {', '.join(choices)}, not {getattr(self, item.name)!r}"
                )
        checks = [
            (self.num_captions >= 1, "--num_captions must be at least 1"),
            (0.0 < self.top_p <= 1.0, "--top_p must be in (0, 1]"),
            (0 <= self.min_length <= self.max_length, "--min_length must be between 0 and --max_length"),
            (0.0 <= self.itm_threshold <= 1.0, "--itm_threshold must be in [0, 1]"),
            (self.top_k >= 1, "--top_k must be at least 1"),
            (self.batch_size >= 1, "--batch_size must be at least 1"),
            (self.itm_max_tokens >= 2, "--itm_max_tokens must be at least 2"),
            (self.model_copies >= 0, "--model_copies must be 0 or more"),
            (self.torch_threads >= 0, "--torch_threads must be 0 (decided from the cores) or more"),
            (self.report_samples >= 0, "--report_samples must be 0 or more"),
            (self.semdedup_eps is None or 0.0 < self.semdedup_eps < 1.0, "--semdedup_eps must be in (0, 1)"),
            (self.semdedup_eps is None or self.embeddings, "--semdedup_eps needs --embeddings CLIP_DIR"),
            (self.semdedup_clusters >= 1, "--semdedup_clusters must be at least 1"),
            (self.semdedup_sample >= 1, "--semdedup_sample must be at least 1"),
            (
                0 <= self.decontaminate_phash_distance < 64,
                "--decontaminate_phash_distance must be in [0, 64)",
            ),
            (-1.0 <= self.decontaminate_cosine <= 1.0, "--decontaminate_cosine must be in [-1, 1]"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        self.captioners()
        self.run_policy().check_scorers(set(scorer_ranges(self.scorer)))
        return self

    def captioners(self) -> list[str]:
        """--captioner's checkpoints in flag order; raises ValueError on an empty or repeated entry."""
        paths = [path.strip() for path in self.captioner.split(",")]
        if not all(paths):
            raise ValueError(f"--captioner {self.captioner!r}: an empty entry (expected PATH_OR_HUB_ID,...)")
        repeated = sorted({path for path in paths if paths.count(path) > 1})
        if repeated:
            raise ValueError(
                f"--captioner {self.captioner!r}: {', '.join(repeated)} is given twice "
                "(use --num_captions for more captions of one model)"
            )
        return paths

    def captions_per_image(self) -> int:
        """Synthetic captions per image: --num_captions of each captioner."""
        return self.num_captions * len(self.captioners())

    def run_policy(self):
        """The --policy parsed (raises capfilt.curate.policy_grammar.PolicyError, a ValueError)."""
        from capfilt.curate.policy import Policy

        return Policy(self.policy, self.itm_threshold, self.top_k)


# The sections of `python -m pipelines.capfilt --help`, by field name; a field in none shows under "other".
HELP_GROUPS = {
    "input and output": ("input", "input_format", "text_column", "output", "overwrite", "allow_empty_output"),
    "models": ("captioner", "filter", "scorer", "engine", "device", "precision"),
    "captioning": (
        "num_captions",
        "decoding",
        "top_p",
        "min_length",
        "max_length",
        "prompt",
        "prompt_template",
        "seed",
    ),
    "filtering and policy": ("policy", "itm_threshold", "top_k", "itm_first_token", "itm_max_tokens"),
    "performance": ("batch_size", "torch_threads", "large_model", "model_copies"),
    "report": ("quality_labels", "report_samples"),
    "corpus-level steps": (
        "embeddings",
        "semdedup_eps",
        "semdedup_clusters",
        "semdedup_sample",
        "decontaminate",
        "decontaminate_phash_distance",
        "decontaminate_cosine",
    ),
}
