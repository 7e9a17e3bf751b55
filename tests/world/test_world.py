"""The demo world: determinism, schemas, ground truth, noise labels, held-out scenes, grading and the CLI."""

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import schemas
from capfilt.world import WorldConfig, caption_is_correct, generate_world, parse_mentions, text_matches_scene
from capfilt.world.cli import main as cli_main
from capfilt.world.grading import VOCABULARY_WORDS, words
from capfilt.world.scene import WorldObject
from capfilt.world.vocab import COLORS, POSITION_CENTERS

SMALL = {"web": 300, "human": 40, "test": 40, "classify": 40, "documents": 6, "clips": 6}
PAIR_SPLITS = ("web", "human", "test", "classify")
ATTRIBUTES = ("color", "shape", "size", "position")


def read_split(root: Path, split: str, schema=schemas.PAIRS) -> list[dict]:
    rows = []
    for path in sorted((root / split).glob("part-*.parquet")):
        rows += schemas.read_table(str(path), schema).to_pylist()
    return rows


def read_labels(root: Path, split: str) -> list[dict]:
    return schemas.read_table(str(root / "labels" / f"{split}.parquet"), schemas.LABELS).to_pylist()


def decode(image: dict) -> Image.Image:
    return Image.open(io.BytesIO(image["bytes"])).convert("RGB")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("world")
    generate_world(str(root), WorldConfig(**SMALL), progress=False)
    return root


@pytest.fixture(scope="module")
def web(world) -> list[tuple[dict, dict]]:
    return list(zip(read_split(world, "web"), read_labels(world, "web"), strict=True))


def test_counts_schemas_and_world_json(world):
    for split in PAIR_SPLITS:
        rows, labels = read_split(world, split), read_labels(world, split)
        assert len(rows) == len(labels) == SMALL[split]
        assert [r["key"] for r in rows] == [label["key"] for label in labels]
        assert {r["source"] for r in rows} == {f"world:{split}"}
        assert {label["split"] for label in labels} == {split}
    assert len(read_split(world, "documents", schemas.DOCUMENTS)) == SMALL["documents"]
    assert len(read_split(world, "clips", schemas.CLIPS)) == SMALL["clips"]
    summary = json.loads((world / "world.json").read_text())
    assert summary["config"]["seed"] == 0 and summary["config"]["image_size"] == 64
    assert {k: summary["counts"][k] for k in SMALL} == SMALL
    assert sum(summary["web_noise"].values()) == SMALL["web"]
    assert summary["counts"]["document_images"] == len(read_labels(world, "documents"))


def test_keys_unique_across_splits(world):
    keys = [r["key"] for split in PAIR_SPLITS for r in read_split(world, split)]
    keys += [r["key"] for r in read_split(world, "documents", schemas.DOCUMENTS)]
    keys += [r["key"] for r in read_split(world, "clips", schemas.CLIPS)]
    keys += [label["key"] for label in read_labels(world, "documents")]
    assert len(keys) == len(set(keys))


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    config = {"web": 12, "human": 3, "test": 3, "classify": 3, "documents": 1, "clips": 1}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate_world(str(tmp_path / name), WorldConfig(seed=seed, **config), progress=False)
    for split in (*PAIR_SPLITS, "documents", "clips", "labels"):
        files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / split).glob("*.parquet"))
        assert files
        for file in files:
            assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
            assert (tmp_path / "a" / file).read_bytes() != (tmp_path / "c" / file).read_bytes(), file


def test_records_do_not_depend_on_chunking(tmp_path):
    config = {"web": 30, "human": 4, "test": 4, "classify": 4, "documents": 2, "clips": 2}
    generate_world(str(tmp_path / "one"), WorldConfig(**config), progress=False)
    generate_world(str(tmp_path / "parts"), WorldConfig(rows_per_part=7, **config), progress=False)
    assert len(list((tmp_path / "parts" / "web").glob("part-*.parquet"))) == 5
    assert read_split(tmp_path / "one", "web") == read_split(tmp_path / "parts", "web")
    # A smaller run afterwards leaves no stale part file behind.
    generate_world(str(tmp_path / "parts"), WorldConfig(**config), progress=False)
    assert [p.name for p in (tmp_path / "parts" / "web").glob("part-*.parquet")] == ["part-00000.parquet"]


def test_images_decode_at_the_asked_size_and_hash_their_bytes(tmp_path):
    counts = {"web": 4, "human": 2, "test": 2, "classify": 2, "documents": 1, "clips": 1}
    config = WorldConfig(**counts, image_size=96, clip_frames=3)
    generate_world(str(tmp_path), config, progress=False)
    for split in PAIR_SPLITS:
        for row in read_split(tmp_path, split):
            assert decode(row["image"]).size == (96, 96) == (row["width"], row["height"])
            assert row["sha256"] == hashlib.sha256(row["image"]["bytes"]).hexdigest()
            assert row["image"]["path"] == f"{row['key']}.jpg"
    (clip,) = read_split(tmp_path, "clips", schemas.CLIPS)
    assert [decode(f).size for f in clip["frames"]] == [(96, 96)] * 3


def test_objects_are_drawn_in_their_colour_where_labels_say(world):
    for split in ("human", "test"):
        for row, label in zip(read_split(world, split), read_labels(world, split), strict=True):
            pixels = np.asarray(decode(row["image"]), dtype=float)
            for obj in label["objects"]:
                x, y = POSITION_CENTERS[obj["position"]]
                found = pixels[int(y * 64), int(x * 64)]
                assert np.linalg.norm(found - COLORS[obj["color"]]) < 60, (row["key"], obj)


def test_correct_web_text_and_human_captions_pass_grading(world, web):
    correct = [(row, label) for row, label in web if label["noise"] == "correct"]
    assert len(correct) > 50
    for row, label in correct:
        assert caption_is_correct(row["caption"], label["objects"]), row["caption"]
        assert row["references"] is None
    for split in ("human", "test", "classify"):
        for row, label in zip(read_split(world, split), read_labels(world, split), strict=True):
            assert len(set(row["references"])) == 5 and row["caption"] == row["references"][0]
            assert all(caption_is_correct(text, label["objects"]) for text in row["references"]), row
            assert caption_is_correct(label["description"], label["objects"])


def test_wrong_attribute_differs_in_exactly_one_attribute(web):
    wrong = [(row, label) for row, label in web if label["noise"] == "wrong_attribute"]
    assert len(wrong) > 30
    changed = set()
    for row, label in wrong:
        mentions = parse_mentions(row["caption"])
        differences = [
            (i, attribute, obj[attribute], getattr(mention, attribute))
            for i, (mention, obj) in enumerate(zip(mentions, label["objects"], strict=True))
            for attribute in ATTRIBUTES
            if getattr(mention, attribute) is not None and getattr(mention, attribute) != obj[attribute]
        ]
        detail = json.loads(label["noise_detail"])
        assert differences == [(detail["object"], detail["attribute"], detail["from"], detail["to"])], row
        assert not text_matches_scene(row["caption"], label["objects"])
        changed.add(detail["attribute"])
    assert changed == set(ATTRIBUTES)


def test_other_image_text_is_another_keys_scene(web):
    labels = {label["key"]: label for _, label in web}
    borrowed = [(row, label) for row, label in web if label["noise"] == "other_image"]
    assert len(borrowed) > 20
    for row, label in borrowed:
        donor = json.loads(label["noise_detail"])["key"]
        assert donor != row["key"]
        assert text_matches_scene(row["caption"], labels[donor]["objects"])
        assert not text_matches_scene(row["caption"], label["objects"])


def test_boilerplate_and_too_short_say_nothing_about_the_scene(web):
    counts = {"boilerplate": 0, "too_short": 0}
    for row, label in web:
        if label["noise"] in counts:
            counts[label["noise"]] += 1
            assert not text_matches_scene(row["caption"], label["objects"])
        if label["noise"] == "boilerplate":
            assert not set(words(row["caption"])) & VOCABULARY_WORDS, row["caption"]
        if label["noise"] == "too_short":
            assert len(words(row["caption"])) == 1
    assert min(counts.values()) > 10


def test_noise_mix_is_configurable(tmp_path):
    counts = {"web": 20, "human": 0, "test": 0, "classify": 0, "documents": 0, "clips": 0}
    config = WorldConfig(**counts, noise={"boilerplate": 1.0})
    generate_world(str(tmp_path), config, progress=False)
    assert {label["noise"] for label in read_labels(tmp_path, "web")} == {"boilerplate"}
    assert json.loads((tmp_path / "world.json").read_text())["web_noise"] == {"boilerplate": 20}


def test_noise_only_in_labels_and_only_for_web(world):
    assert "noise" not in schemas.PAIRS.names
    for split in ("human", "test", "classify", "documents", "clips"):
        labels = read_labels(world, split)
        assert {(label["noise"], label["noise_detail"]) for label in labels} == {(None, None)}


def test_held_out_scenes_are_disjoint_from_training_scenes(world):
    def configurations(split):
        return {
            tuple(sorted(tuple(o[a] for a in ATTRIBUTES) for o in label["objects"]))
            for label in read_labels(world, split)
        }

    training = configurations("web") | configurations("human")
    assert not configurations("test") & training
    assert not configurations("classify") & training


def test_classify_is_labelled_by_the_single_objects_shape(world):
    labels = read_labels(world, "classify")
    assert all(len(label["objects"]) == 1 for label in labels)
    assert all(label["class_name"] == label["objects"][0]["shape"] for label in labels)
    assert len({label["class_name"] for label in labels}) >= 4


def test_documents_interleave_images_with_their_captions(world):
    documents = read_split(world, "documents", schemas.DOCUMENTS)
    labels = {label["key"]: label for label in read_labels(world, "documents")}
    images = 0
    for document in documents:
        segments = document["segments"]
        assert segments[0]["text"] and segments[0]["image"] is None
        assert all((s["text"] is None) != (s["image"] is None) for s in segments)
        for here, after in zip(segments, segments[1:], strict=False):
            if here["image"] is not None:
                images += 1
                label = labels[here["image"]["path"].removesuffix(".jpg")]
                assert label["key"].startswith(document["key"] + "-")
                assert caption_is_correct(after["text"], label["objects"]), after["text"]
        assert 2 <= sum(s["image"] is not None for s in segments) <= 4
    assert images == len(labels)


def test_clips_show_the_object_moving_as_labelled(world):
    clips = read_split(world, "clips", schemas.CLIPS)
    labels = read_labels(world, "clips")
    for clip, label in zip(clips, labels, strict=True):
        assert clip["key"] == label["key"] and len(clip["frames"]) == 8
        mover, *still = label["objects"]
        start, end = mover["motion"].split(" to ")
        assert start == mover["position"] and all(o["motion"] == "still" for o in still)
        first, last = (np.asarray(decode(clip["frames"][i]), dtype=float) for i in (0, -1))
        for frame, place in ((first, start), (last, end)):
            x, y = POSITION_CENTERS[place]
            assert np.linalg.norm(frame[int(y * 64), int(x * 64)] - COLORS[mover["color"]]) < 60, clip["key"]
        assert caption_is_correct(clip["caption"], label["objects"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a small red circle to the left of a big blue star", True),
        ("A violet disc in the middle and a blue star", True),  # synonyms and a correct position
        ("a red circle", False),  # misses the star
        ("a red circle and a green star", False),  # wrong colour
        ("a red circle, a blue star and a white square", False),  # invents an object
        ("a large red circle and a blue star", False),  # wrong size
        ("a red circle on the right and a blue star", False),  # wrong position
        ("circle star red blue", False),  # colour and shape not adjacent
    ],
)
def test_caption_is_correct_rule(text, expected):
    objects = [WorldObject("red", "circle", "small", "center"), WorldObject("blue", "star", "large", "right")]
    if "violet" in text:
        objects[0] = WorldObject("purple", "circle", "small", "center")
    assert caption_is_correct(text, objects) is expected


def test_text_matches_scene_accepts_a_true_subset_only():
    objects = [{"color": "red", "shape": "circle", "size": "small", "position": "left"}]
    objects.append({"color": "blue", "shape": "star", "size": "large", "position": "right"})
    assert text_matches_scene("Blue Star On The Right - stock photo", objects)
    assert not text_matches_scene("blue star on the left", objects)
    assert not text_matches_scene("star", objects)
    assert not text_matches_scene("red circle, red circle and blue star", objects)


def test_cli_writes_a_world(tmp_path):
    counts = {"web": 6, "human": 2, "test": 2, "classify": 2, "documents": 1, "clips": 1}
    args = [item for name, count in counts.items() for item in (f"--{name}", str(count))]
    command = [sys.executable, "-m", "capfilt.world", "--output", str(tmp_path / "w"), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "world: 6 web, 2 human" in result.stderr
    assert len(read_split(tmp_path / "w", "web")) == 6


def test_cli_rejects_a_bad_image_size_in_one_line(tmp_path):
    command = [sys.executable, "-m", "capfilt.world", "--output", str(tmp_path), "--image_size", "32"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "image_size must be between 64 and 384 px, got 32" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("noise", "message"),
    [
        ("correct=0.5,boilerplate=0.4", "noise fractions must sum to 1, got 0.9"),
        ("correct=0.5,bogus=0.5", "unknown noise type 'bogus'"),
        ("correct=lots", "noise fraction for 'correct' is not a number"),
        ("correct", "is not NAME=FRACTION"),
        ("correct=1.5,too_short=-0.5", "must be between 0 and 1"),
    ],
)
def test_cli_rejects_a_bad_noise_mix(tmp_path, capsys, noise, message):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["--output", str(tmp_path), "--noise", noise])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
