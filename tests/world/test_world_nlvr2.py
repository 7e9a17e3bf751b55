"""The demo world's NLVR2 task: statements true or false as the ground truth says, balanced, held out."""

from collections import Counter

import pytest

import schemas
from capfilt.world import WorldConfig, generate_world
from capfilt.world.nlvr2 import COMPARISONS, every_statement, holds
from capfilt.world.scene import Scene, WorldObject
from schemas.nlvr2 import NLVR2

NONE_ELSE = dict(web=0, human=0, test=0, classify=0, documents=0, clips=0)


@pytest.fixture(scope="module")
def nlvr2_world(tmp_path_factory):
    root = tmp_path_factory.mktemp("nlvr2-world")
    generate_world(str(root), WorldConfig(**NONE_ELSE, nlvr2_train=60, nlvr2_test=30), progress=False)
    return root


def scenes_by_key(root, name):
    labels = schemas.read_table(str(root / "labels" / f"{name}.parquet"), schemas.LABELS).to_pylist()
    return {
        row["key"]: Scene(tuple(WorldObject(**o) for o in row["objects"]), row["background"])
        for row in labels
    }


def examples(root, name):
    return [
        row
        for path in schemas.expand(str(root / name / "*.parquet"))
        for row in schemas.iter_records(path, NLVR2)
    ]


@pytest.mark.parametrize("name", ["nlvr2_train", "nlvr2_test"])
def test_every_label_is_the_truth_of_its_statement_and_a_swap_flips_comparisons(nlvr2_world, name):
    scenes, statements = scenes_by_key(nlvr2_world, name), every_statement()
    rows = examples(nlvr2_world, name)
    assert len(rows) == {"nlvr2_train": 60, "nlvr2_test": 30}[name]
    flipped = 0
    for row in rows:
        left, right = scenes[row["left_key"]], scenes[row["right_key"]]
        statement = statements[row["statement"]]  # every statement reads back
        assert holds(statement, left, right) is row["label"]
        assert (
            row["left_image"]["bytes"][:2] == b"\xff\xd8" and row["right_image"]["bytes"][:2] == b"\xff\xd8"
        )
        if statement.kind in COMPARISONS:
            assert holds(statement, right, left) is (not row["label"])
            flipped += 1
    assert flipped > 0
    labels = Counter(row["label"] for row in rows)
    assert min(labels.values()) >= len(rows) // 4  # both truths well represented


def test_held_out_configurations_never_occur_in_training(nlvr2_world):
    train = {s.signature() for s in scenes_by_key(nlvr2_world, "nlvr2_train").values()}
    test = {s.signature() for s in scenes_by_key(nlvr2_world, "nlvr2_test").values()}
    assert not train & test
    assert all(s.is_held_out() for s in scenes_by_key(nlvr2_world, "nlvr2_test").values())
    assert not any(s.is_held_out() for s in scenes_by_key(nlvr2_world, "nlvr2_train").values())


def test_a_statement_about_the_left_image_moves_with_it():
    red_star = Scene((WorldObject("red", "star", "large", "left"),), "plain")
    blue_star = Scene(
        (WorldObject("blue", "star", "large", "left"), WorldObject("red", "cross", "small", "top")), "plain"
    )
    statements = every_statement()
    left_red = statements["the left image contains a red star"]
    fewer = statements["the left image has fewer objects than the right image"]
    assert holds(left_red, red_star, blue_star) and not holds(left_red, blue_star, red_star)
    assert holds(fewer, red_star, blue_star) and not holds(fewer, blue_star, red_star)
    assert (
        holds(statements["the left image has more stars than the right image"], red_star, blue_star) is None
    )


def test_no_nlvr2_folder_unless_asked(tmp_path):
    generate_world(str(tmp_path), WorldConfig(**NONE_ELSE | {"human": 2}), progress=False)
    assert (
        not (tmp_path / "nlvr2_train").exists() and not (tmp_path / "labels" / "nlvr2_train.parquet").exists()
    )
