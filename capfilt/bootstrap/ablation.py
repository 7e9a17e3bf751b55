"""The training corpora of BLIP's CapFilt ablation (paper, Table 1), built from one CapFilt run.

CapFilt stores every score, kept or not (`curated/` holds kept images, `dropped/` the images none of whose
texts survived), so every arm comes from the same run of the same captioner and filter:

| arm         | images                                 | texts an image trains with                 |
|-------------|----------------------------------------|--------------------------------------------|
| `none`      | every scored image                     | its web text T_w (raw web data)            |
| `filter`    | images whose T_w the filter kept       | T_w                                        |
| `captioner` | every scored image                     | T_w and every synthetic caption T_s        |
| `capfilt`   | images with any kept text (`curated/`) | the kept texts: filtered T_w and T_s       |
| `stacked`   | images with any text the stacked policy keeps | those texts (ITM AND a CLIP score)  |

`stacked` re-decides the run's stored scores with a `--policy` rule (capfilt.curate.policy_grammar) that
stacks the ITM filter with the run's CLIP scorer, DataComp-style (`STACKED_POLICY`): its corpus-wide
top-fraction cutoffs are computed over every scored image, curated and dropped, as the pipeline does.

Every arm also holds the clean human pairs (COCO's role in the paper), with their reference captions.
Each corpus is one `curated` Parquet file, rows shuffled, so any number of loader workers sees a mix.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from pathlib import Path

import schemas
from capfilt.curate.cutoffs import Histograms
from capfilt.curate.policy import Policy, Verdict

# The paper's four arms (Table 1), then the stacked-policy arm.
PAPER_ARMS = ("none", "filter", "captioner", "capfilt")
ARMS = (*PAPER_ARMS, "stacked")
ARM_TITLES = {
    "none": "No CapFilt (raw web text)",
    "filter": "Filter only",
    "captioner": "Captioner only",
    "capfilt": "Captioner + Filter",
    "stacked": "Captioner + stacked filter (ITM and CLIP)",
}
# The CLIP scorer's name in the CapFilt run (`--scorer clip=...`) and the stacked arm's default policy:
# the paper's ITM threshold AND DataComp's best CLIP rule, the corpus' top 30% of texts by CLIP cosine.
CLIP_SCORER = "clip"
STACKED_POLICY = "itm>=0.5 & top30%(clip)"


def arm_captions(row: dict, arm: str, verdict: Verdict | None = None) -> list[str]:
    """The texts of one CapFilt output row (curated or dropped) that `arm` trains on; [] leaves it out.
    `stacked` needs the stacked policy's `verdict` on the row (`StackedPolicy`)."""
    web = row["web_caption"]
    synthetic = [s["text"] for s in row["synthetic"] or [] if s["text"]]
    if arm == "none":
        return [web] if web else []
    if arm == "filter":
        return [web] if web and row["web_kept"] else []
    if arm == "captioner":
        return ([web] if web else []) + synthetic
    if arm == "capfilt":
        return list(row["captions"] or [])
    if arm == "stacked":
        texts = [web, *(s["text"] for s in row["synthetic"] or [])]
        kept = [verdict.web_kept, *verdict.synthetic_kept]
        return [text for text, keep in zip(texts, kept, strict=True) if keep and text]
    raise ValueError(f"unknown arm {arm!r}; choose one of {', '.join(ARMS)}")


def pair_as_curated(pair: dict, captions: list[str]) -> dict:
    """A `pairs` row as a `curated` row that trains on `captions` (no scores: nothing was filtered)."""
    return {
        **{name: pair.get(name) for name in ("key", "url", "page_url", "image", "width", "height", "sha256")},
        "source": pair.get("source"),
        "web_caption": pair.get("caption"),
        "web_score": None,
        "web_kept": None,
        "synthetic": [],
        "captions": captions,
        "captioner": None,
        "filter": None,
        "policy": None,
    }


def human_rows(files: Iterable[str]) -> Iterator[dict]:
    """Clean pairs with their human references as the texts to train on."""
    for path in files:
        for pair in schemas.iter_records(path, schemas.PAIRS):
            references = [t for t in pair["references"] or [] if t]
            yield pair_as_curated(pair, references or [pair["caption"]])


def web_rows(pair_files: Iterable[str]) -> Iterator[dict]:
    """Ingested web pairs trained on their raw web text (the corpus before CapFilt)."""
    for path in pair_files:
        for pair in schemas.iter_records(path, schemas.PAIRS):
            if pair["caption"]:
                yield pair_as_curated(pair, [pair["caption"]])


def capfilt_rows(capfilt_output: str) -> list[dict]:
    """Every image CapFilt scored: curated/ (kept) then dropped/ (nothing kept)."""
    rows: list[dict] = []
    for kind in ("curated", "dropped"):
        for path in schemas.expand(f"{capfilt_output.rstrip('/')}/{kind}/*.parquet"):
            rows.extend(schemas.iter_records(path, schemas.CURATED))
    if not rows:
        raise ValueError(f"{capfilt_output}: no curated/ or dropped/ rows")
    return rows


def row_scores(row: dict) -> dict[str, list[float]]:
    """Every scorer's stored [T_w, T_s...] scores of one CapFilt output row, by scorer name."""
    texts = [row.get("web_scores")] + [s.get("scores") for s in row["synthetic"] or []]
    by_text = [{entry["scorer"]: entry["score"] for entry in scores or []} for scores in texts]
    names = set(by_text[0])
    return {name: [scores.get(name, math.nan) for scores in by_text] for name in names}


class StackedPolicy:
    """A policy over the stored scores of a whole CapFilt run: global cutoffs, then each row's verdict."""

    def __init__(self, text: str = STACKED_POLICY):
        self.text = text
        self.policy = Policy(text)
        self.last_cutoffs: dict = {}  # those of the last verdicts(), for the record

    def check(self, available: set[str]) -> None:
        """Raises ValueError naming each scorer the rule needs that the CapFilt run does not store."""
        unknown = sorted(self.policy.scorers - available)
        if unknown:
            raise ValueError(
                f"{self.text!r} names scorer(s) {', '.join(unknown)}; the CapFilt step stores "
                f"{', '.join(sorted(available))}"
            )

    def cutoffs(self, scored: list[dict]) -> dict:
        # Here: scorer_specs imports transformers (seconds), and every bootstrap run's process imports this.
        from capfilt.curate.scorer_specs import COSINE_RANGE, ITM, ITM_RANGE

        ranges = {name: ITM_RANGE if name == ITM else COSINE_RANGE for name in self.policy.scorers}
        histograms = Histograms(self.policy.fractions, ranges)
        for row in scored:
            histograms.add(self.scores(row))
        return histograms.cutoffs(self.policy.fractions)

    def scores(self, row: dict) -> dict[str, list[float]]:
        scores = row_scores(row)
        missing = sorted(self.policy.scorers - set(scores))
        if missing:
            raise ValueError(
                f"stacked policy {self.text!r}: CapFilt row {row['key']} has no {', '.join(missing)} score "
                "(the CapFilt step ran without that --scorer)"
            )
        return scores

    def verdicts(self, scored: list[dict]) -> list[Verdict]:
        cutoffs = self.last_cutoffs = self.cutoffs(scored)
        return [self.policy.decide(self.scores(row), cutoffs) for row in scored]


def arm_rows(scored: list[dict], arm: str, stacked: StackedPolicy | None = None) -> Iterator[dict]:
    verdicts = (stacked or StackedPolicy()).verdicts(scored) if arm == "stacked" else [None] * len(scored)
    for row, verdict in zip(scored, verdicts, strict=True):
        captions = arm_captions(row, arm, verdict)
        if captions:
            yield {**row, "captions": captions}


def write_corpus(rows: Iterable[dict], path: Path, seed: int) -> dict:
    """Shuffle the rows (seeded) into one `curated` file; returns its image and text counts."""
    rows = list(rows)
    random.Random(f"corpus:{seed}").shuffle(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    schemas.write_table(rows, schemas.CURATED, str(path))
    return {"images": len(rows), "texts": sum(len(r["captions"]) for r in rows), "file": str(path)}


def write_arm_corpora(
    capfilt_output: str,
    human_files: list[str],
    directory: Path,
    seed: int,
    arms: Iterable[str] = ARMS,
    stacked: StackedPolicy | None = None,
) -> dict[str, dict]:
    """One training file per arm (CapFilt's web rows for that arm + every human pair); counts per arm."""
    scored = capfilt_rows(capfilt_output)
    human = list(human_rows(human_files))
    stacked = stacked or StackedPolicy()
    counts = {}
    for arm in arms:
        web = list(arm_rows(scored, arm, stacked))
        counts[arm] = write_corpus(web + human, directory / f"{arm}.parquet", seed)
        counts[arm]["web_images"] = len(web)
        counts[arm]["web_texts"] = sum(len(r["captions"]) for r in web)
        if arm == "stacked":
            counts[arm]["policy"] = stacked.text
            counts[arm]["cutoffs"] = {
                f"top{percent:g}%({scorer}) over {population}": value
                for (scorer, population, percent), value in stacked.last_cutoffs.items()
            }
    return counts
