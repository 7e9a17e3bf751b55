"""Heads on a CLIP image embedding (LAION aesthetic layouts), on the tiny CLIP scorer."""

from pathlib import Path

import pytest
import torch
from PIL import Image
from safetensors.torch import load_file, save_file

from capfilt.curate import checkpoints, heads, scorer_specs
from capfilt.curate.engines.interfaces import ScorerSettings
from capfilt.curate.engines.registry import load_scorers
from tests.helpers.head_tiny import save_tiny_head
from tests.helpers.scorer_tiny import save_tiny_scorer

REAL = Path(__file__).resolve().parents[1] / "data" / "real" / "heads"
IMAGES = [Image.new("RGB", (40, 30), "red"), Image.new("RGB", (20, 50), "blue"), Image.new("RGB", (9, 9))]
TEXTS = [["a red square", "a star", "a blue circle"], ["a blue circle"], []]
CLIP_WIDTH = 16  # projection_dim of tests/helpers/scorer_tiny.py


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return str(save_tiny_scorer("clip", tmp_path_factory.mktemp("clip") / "clip", seed=3))


def reference(weights, layout, embedding, sigmoid=False):
    """The head as LAION's code computes it: its layers (dropout off) on the normalised embedding."""
    if layout == "linear":
        value = embedding @ weights["weight"].T + weights["bias"]
    else:
        layer_indices = sorted({int(k.split(".")[1]) for k in weights})
        value = embedding
        for position, index in enumerate(layer_indices):
            value = value @ weights[f"layers.{index}.weight"].T + weights[f"layers.{index}.bias"]
            if layout == "relu_mlp" and position < len(layer_indices) - 1:
                value = torch.relu(value)
    value = value.squeeze(-1)
    return torch.sigmoid(value) if sigmoid else value


@pytest.mark.parametrize("layout", ["linear", "mlp", "relu_mlp"])
def test_a_head_gives_every_text_the_head_of_the_normalised_clip_image_embedding(tmp_path, clip, layout):
    path, weights = save_tiny_head(tmp_path / "head.safetensors", layout, CLIP_WIDTH, seed=7,
                                   metadata={"score_range": "-100,100"})  # fmt: skip
    entries = (f"clip={clip}", f"aesthetic=head:{path}@clip")
    scorer_specs.check_scorers(entries)
    assert scorer_specs.scorer_ranges(entries)["aesthetic"] == (-100.0, 100.0)
    settings = [ScorerSettings(name, value) for name, value in scorer_specs.parse_scorers(entries)]
    cosine, head = load_scorers(settings)
    assert (head.name, head.score_range, head.info.layout) == ("aesthetic", (-100.0, 100.0), layout)
    scores = head.score(IMAGES, TEXTS)
    assert [len(row) for row in scores] == [3, 1, 0]
    # Expected: the CLIP model's own image features, L2-normalised, through the head's layers.
    pixels = cosine.processor.image_processor(images=IMAGES[:2], return_tensors="pt").pixel_values
    with torch.no_grad():
        features = cosine.model.get_image_features(pixel_values=pixels)
        features = getattr(features, "pooler_output", features)
        expected = reference(weights, layout, torch.nn.functional.normalize(features, dim=-1))
    for row, value in zip(scores, expected.tolist(), strict=False):
        assert row == pytest.approx([value] * len(row), abs=1e-5)
    assert len(set(scores[0])) == 1 and scores[0][0] != pytest.approx(scores[1][0])


def test_a_sigmoid_head_states_0_1_and_the_default_range_clamps(tmp_path, clip):
    path, weights = save_tiny_head(tmp_path / "nsfw.safetensors", "mlp", CLIP_WIDTH, seed=2,
                                   metadata={"output": "sigmoid"})  # fmt: skip
    plain, _ = save_tiny_head(tmp_path / "plain.safetensors", "linear", CLIP_WIDTH, seed=1)
    entries = (f"clip={clip}", f"nsfw=head:{path}@clip", f"aesthetic=head:{plain}@clip")
    ranges = scorer_specs.scorer_ranges(entries)
    assert (ranges["nsfw"], ranges["aesthetic"]) == ((0.0, 1.0), (0.0, 10.0))
    _, nsfw, aesthetic = load_scorers([ScorerSettings(n, v) for n, v in scorer_specs.parse_scorers(entries)])
    embedding = nsfw.base.image_embeddings(IMAGES)
    assert nsfw.score(IMAGES, TEXTS)[0][0] == pytest.approx(
        reference(weights, "mlp", embedding, sigmoid=True)[0].item(), abs=1e-6
    )
    assert all(0.0 <= v <= 10.0 for v in aesthetic.image_scores(IMAGES))
    assert scorer_specs.portable_names(entries)["nsfw"].startswith("head:nsfw.safetensors@")


def test_heads_that_do_not_fit_are_refused_in_one_line(tmp_path, clip):
    wide, _ = save_tiny_head(tmp_path / "wide.safetensors", "mlp", 768, seed=0)
    with pytest.raises(checkpoints.CheckpointError, match=r"^--scorer a=head:.*: the head reads 768-wide "
                       r"embeddings, clip's are 16-wide$"):  # fmt: skip
        scorer_specs.check_scorers((f"clip={clip}", f"a=head:{wide}@clip"))
    with pytest.raises(heads.HeadError, match=r"reads 768-wide embeddings, but scorer clip's .* 16-wide"):
        load_scorers([ScorerSettings("clip", clip), ScorerSettings("a", f"head:{wide}@clip")])
    broken = tmp_path / "broken.safetensors"
    shapes = {0: (4, 16), 2: (3, 5), 4: (1, 3), 6: (1, 1), 7: (1, 1)}  # layer 2 should read 4 inputs
    layers = {f"layers.{i}.weight": torch.zeros(shape) for i, shape in shapes.items()}
    save_file({**layers, **{f"layers.{i}.bias": torch.zeros(s[0]) for i, s in shapes.items()}}, str(broken))
    with pytest.raises(heads.HeadError, match=r"layers.2.weight \[3, 5\] .* output width 4$"):
        heads.describe(str(broken))
    other = tmp_path / "other.safetensors"
    save_file({"fc.weight": torch.zeros(1, 16)}, str(other))
    with pytest.raises(heads.HeadError, match=r"has tensors fc.weight: not a known layout"):
        heads.describe(str(other))
    pickle = tmp_path / "sac+logos+ava1-l14-linearMSE.pth"
    pickle.write_bytes(b"never opened")
    with pytest.raises(heads.HeadError, match=r"is a pickle, never unpickled"):
        heads.describe(str(pickle))
    with pytest.raises(ValueError, match=r"--scorer a='head:x.safetensors': a head is head:PATH"):
        scorer_specs.parse_scorers(("a=head:x.safetensors",))
    with pytest.raises(ValueError, match=r"siglip is not a CLIP/SigLIP --scorer of this run \(clip\)"):
        scorer_specs.parse_scorers((f"clip={clip}", f"a=head:{wide}@siglip"))
    with pytest.raises(heads.HeadError, match=r"^--scorer a=head:.*: head file not found"):
        scorer_specs.scorer_ranges((f"clip={clip}", f"a=head:{tmp_path / 'gone.safetensors'}@clip"))


def test_laions_published_linear_head_scores_a_768_wide_clip(tmp_path):
    real = str(REAL / "sa_0_4_vit_l_14_linear.safetensors")
    info = heads.describe(real)
    assert (info.layout, info.widths, info.score_range) == ("linear", (768, 1), (0.0, 10.0))
    wide_clip = str(save_tiny_scorer("clip", tmp_path / "clip768", seed=1, projection_dim=768))
    entries = (f"clip={wide_clip}", f"aesthetic=head:{real}@clip")
    scorer_specs.check_scorers(entries)
    cosine, head = load_scorers([ScorerSettings(n, v) for n, v in scorer_specs.parse_scorers(entries)])
    weights = load_file(real)
    expected = reference(weights, "linear", cosine.image_embeddings(IMAGES)).clamp(0, 10)
    assert head.image_scores(IMAGES) == pytest.approx(expected.tolist(), abs=1e-5)
