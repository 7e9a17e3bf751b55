"""The `--engine` names and the classes behind them: the one place an engine is registered.

fast: `engines/fast` (docs/engine.md), the default: each image encoded once, cross-attention keys/values
shared by all its texts. transformers: `engines/reference`, transformers' public API. Captioners that are
not BLIP (BLIP-2, GIT, any image-text-to-text checkpoint) run on `GenerateCaptioner` whatever the engine.
This module imports the engines; no engine imports it.
"""

from __future__ import annotations

from capfilt.curate import checkpoints, heads, scorer_specs
from capfilt.curate.engines.fast.captioner import FastCaptioner
from capfilt.curate.engines.fast.filter import FastFilter
from capfilt.curate.engines.interfaces import (
    Captioner,
    CaptionerSettings,
    Filter,
    FilterSettings,
    Scorer,
    ScorerSettings,
)
from capfilt.curate.engines.reference.blip2_scorer import Blip2Retrieval, Blip2Scorer
from capfilt.curate.engines.reference.captioner import TransformersCaptioner
from capfilt.curate.engines.reference.cosine_scorer import CosineScorer
from capfilt.curate.engines.reference.filter import TransformersFilter
from capfilt.curate.engines.reference.generate_captioner import GenerateCaptioner
from capfilt.curate.engines.reference.head_scorer import HeadScorer

DEFAULT_ENGINE = "fast"
CAPTIONERS: dict[str, type[Captioner]] = {"fast": FastCaptioner, "transformers": TransformersCaptioner}
FILTERS: dict[str, type[Filter]] = {"fast": FastFilter, "transformers": TransformersFilter}


def engine_names() -> tuple[str, ...]:
    """The engines that have both a captioner and a filter (the --engine choices)."""
    return tuple(sorted(CAPTIONERS.keys() & FILTERS.keys()))


def _engine(table: dict, engine: str, model: str):
    if engine not in table:
        raise ValueError(f"unknown {model} engine {engine!r}; choose one of {', '.join(sorted(table))}")
    return table[engine]


def load_captioner(settings: CaptionerSettings, engine: str = DEFAULT_ENGINE) -> Captioner:
    """A BLIP captioner on `engine`; any other image-text-to-text checkpoint (BLIP-2, GIT, ...) on
    transformers' generate, which is the one path those have."""
    engine_class = _engine(CAPTIONERS, engine, "captioner")
    if checkpoints.captioner_family(settings.checkpoint) != checkpoints.BLIP:
        return GenerateCaptioner(settings)
    return engine_class(settings)


def load_filter(settings: FilterSettings, engine: str = DEFAULT_ENGINE) -> Filter:
    return _engine(FILTERS, engine, "filter")(settings)


def load_scorer(settings: ScorerSettings, shared: dict[str, Blip2Retrieval] | None = None) -> Scorer:
    """A `--scorer` model, the same for every engine: a CLIP/SigLIP cosine, or a BLIP-2 ITM/ITC scorer
    (`blip2-itm:`/`blip2-itc:`; scorers of one checkpoint share one loaded model through `shared`)."""
    blip2 = scorer_specs.parse_blip2(settings.checkpoint)
    if blip2 is None:
        return CosineScorer(settings)
    shared = {} if shared is None else shared
    if blip2.checkpoint not in shared:
        shared[blip2.checkpoint] = Blip2Retrieval(blip2.checkpoint, settings.device, settings.precision)
    return Blip2Scorer(settings, shared[blip2.checkpoint], blip2.mode)


def load_scorers(settings: list[ScorerSettings]) -> list[Scorer]:
    """Every `--scorer`, in flag order: the models first, then the heads (`head:FILE@BASE`), each on the
    image embedding of the CLIP/SigLIP scorer named BASE (computed once per batch for all its heads)."""
    shared: dict[str, Blip2Retrieval] = {}
    models = {s.name: load_scorer(s, shared) for s in settings if heads.parse_head(s.checkpoint) is None}
    embedders = {name: model for name, model in models.items() if isinstance(model, CosineScorer)}
    loaded = {}
    for each in settings:
        spec = heads.parse_head(each.checkpoint)
        if spec is None:
            loaded[each.name] = models[each.name]
        elif spec.base not in embedders:
            raise heads.HeadError(
                f"--scorer {each.name}: head {spec.path} reads the embedding of {spec.base}, which is not a "
                f"CLIP/SigLIP --scorer of this run ({', '.join(embedders) or 'none is given'})"
            )
        else:
            loaded[each.name] = HeadScorer(each, embedders[spec.base])
    return [loaded[each.name] for each in settings]
