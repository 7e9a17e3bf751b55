"""The demo world's dialogs: 10 rounds, 100 distinct candidates with the right answer at gt_index, answers
true of the scene, byte-identical per seed, held-out scenes never in training."""

from __future__ import annotations

from capfilt.world.scene import sample_scene
from capfilt.world.seeding import rng_for
from capfilt.world.visdial import CANDIDATES, ROUNDS, SPLITS, dialog_example, dialog_rounds
from capfilt.world.vocab import BACKGROUNDS


def test_rounds_have_their_answer_among_distinct_candidates():
    row = dialog_example(3, "dialogs", 5, 64)
    assert len(row["rounds"]) == ROUNDS and row["caption"].endswith("background")
    for round_ in row["rounds"]:
        assert len(set(round_["options"])) == len(round_["options"]) == CANDIDATES
        assert round_["options"][round_["gt_index"]] == round_["answer"]
    assert dialog_example(3, "dialogs", 5, 64) == row and dialog_example(4, "dialogs", 5, 64) != row


def test_answers_are_true_of_the_scene():
    for index in range(20):
        scene = sample_scene(rng_for(0, "dialogs", index, "scene"), BACKGROUNDS, False)
        for round_ in dialog_rounds(scene, rng_for(0, "dialogs", index, "dialog")):
            question, answer = round_["question"], round_["answer"]
            if question == "how many shapes are there?":
                assert answer == ("one", "two", "three")[len(scene.objects) - 1]
            if question.startswith("what color is the "):
                shape = question.removeprefix("what color is the ").rstrip("?")
                assert answer == next(o.color for o in scene.objects if o.shape == shape)
            if question.startswith("is there a "):
                color, shape = question.removeprefix("is there a ").rstrip("?").split()
                present = any((o.color, o.shape) == (color, shape) for o in scene.objects)
                assert answer == ("yes" if present else "no")


def test_held_out_dialogs_use_configurations_never_in_training():
    assert SPLITS == {"dialogs": False, "dialogs_test": True}

    def signatures(split, count):
        held_out = SPLITS[split]
        return {
            sample_scene(rng_for(0, split, i, "scene"), BACKGROUNDS, held_out).signature()
            for i in range(count)
        }

    assert not signatures("dialogs", 300) & signatures("dialogs_test", 100)
