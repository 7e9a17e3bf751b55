"""Heads on a CLIP image embedding (LAION aesthetic layouts), on the tiny CLIP scorer."""

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file, save_file

from capfilt.curate import checkpoints, heads, scorer_specs
from capfilt.curate.engines.interfaces import ScorerSettings
from capfilt.curate.engines.reference.head_scorer import build_head
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
            if layout in ("relu_mlp", "relu_chain") and position < len(layer_indices) - 1:
                value = torch.relu(value)
    value = value.squeeze(-1)
    return torch.sigmoid(value) if sigmoid else value


@pytest.mark.parametrize("layout", ["linear", "mlp", "relu_mlp", "relu_chain"])
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


def keras_nsfw(raw, embeddings: np.ndarray) -> np.ndarray:
    """LAION's autokeras NSFW model as Keras computes it, from its original tensors: the categorical
    columns' vocabulary index (0: a value not in it), Normalization, Dense+ReLU layers, Dense, sigmoid."""
    x = embeddings.astype(np.float64).copy()
    x[:, raw["categorical"]] = 0.0
    x = (x - raw["mean"]) / np.maximum(np.sqrt(raw["variance"]), 1e-7)
    depth = sum(name.startswith("kernel_") for name in raw.files)
    for i in range(depth):
        x = x @ raw[f"kernel_{i}"] + raw[f"bias_{i}"]
        x = np.maximum(x, 0.0) if i < depth - 1 else x
    return 1.0 / (1.0 + np.exp(-x[:, 0]))


def test_laions_nsfw_detector_converted_from_keras_scores_real_clip_embeddings(tmp_path):
    real = str(REAL / "laion_nsfw_vit_b_32.safetensors")
    info = heads.describe(real)
    assert (info.layout, info.widths, info.output, info.score_range) == (
        "relu_chain",
        (512, 32, 32, 1),
        "sigmoid",
        (0.0, 1.0),
    )
    # Two real CLIP ViT-B/32 embeddings (LAION's violence prompts), unit vectors near them and random unit
    # vectors: the folded head equals Keras' arithmetic on the original tensors.
    real_embeddings = np.load(REAL / "laion_violence_prompts_vit_b_32.npy")
    generator = np.random.default_rng(0)
    others = np.concatenate([real_embeddings[[0, 1] * 4] + generator.normal(0, 0.03, (8, 512)),
                             generator.normal(size=(16, 512))])  # fmt: skip
    embeddings = np.concatenate([real_embeddings, others / np.linalg.norm(others, axis=1, keepdims=True)])
    with np.load(REAL / "laion_nsfw_vit_b_32_keras.npz") as raw:
        expected = keras_nsfw(raw, embeddings)
    head = build_head(info, load_file(real))
    with torch.no_grad():
        folded = torch.sigmoid(head(torch.from_numpy(embeddings).float()).squeeze(-1)).double().numpy()
    assert np.allclose(folded, expected, rtol=1e-4, atol=1e-6)
    assert expected.min() < 1e-3 and expected.max() > 0.5  # the inputs reach both verdicts
    # Loaded by --scorer on a 512-wide CLIP (ViT-B/32's projection_dim), scores in [0, 1].
    clip = str(save_tiny_scorer("clip", tmp_path / "clip512", seed=2, projection_dim=512))
    entries = (f"clip={clip}", f"nsfw=head:{real}@clip")
    scorer_specs.check_scorers(entries)
    assert scorer_specs.scorer_ranges(entries)["nsfw"] == (0.0, 1.0)
    _, nsfw = load_scorers([ScorerSettings(n, v) for n, v in scorer_specs.parse_scorers(entries)])
    assert all(0.0 <= value <= 1.0 for value in nsfw.image_scores(IMAGES))
