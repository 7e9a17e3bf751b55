"""Keys unique run-wide by construction: the rule (capfilt.keys) and its Beam transform."""

import random

import apache_beam as beam
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to

from capfilt.keys import key_family, unique_keys
from pipelines.common.unique_keys import UniqueKeys


def test_the_first_in_input_order_keeps_its_key_and_later_ones_get_the_next_free_suffix():
    members = [("a", (1, 0)), ("a", (0, 5)), ("a", (0, 2)), ("b", (0, 0)), ("a~2", (2, 0))]
    # (0, 2) is first; "a~2" is someone's real key, so the repeats become a~3 and a~4.
    assert unique_keys(m for m in members if key_family(m[0]) == "a") == {(0, 5): "a~3", (1, 0): "a~4"}
    assert unique_keys([("b", (0, 0))]) == {}


def test_renaming_never_collides_and_does_not_depend_on_arrival_order():
    rng = random.Random(0)
    keys = ["k", "k~2", "k~2", "k~2~2", "k~3", "k", "k", "k~10"]
    members = [(key, (i % 3, i)) for i, key in enumerate(keys)]
    expected = unique_keys(members)
    for _ in range(20):
        shuffled = members[:]
        rng.shuffle(shuffled)
        assert unique_keys(shuffled) == expected
    final = [expected.get(origin, key) for key, origin in members]
    assert len(set(final)) == len(final) and {key_family(k) for k in final} == {"k"}


def test_the_beam_transform_keeps_every_record_and_makes_keys_unique():
    # Two files that repeat each other's keys (two img2dataset runs), a key repeated within a file, and a
    # record that already holds the key a repeat would get.
    located = [
        ((0, 0), "000"),
        ((0, 1), "001"),
        ((0, 2), "001"),
        ((1, 0), "000"),
        ((1, 1), "001~2"),
        ((1, 2), "x"),
    ]
    records = [(origin, {"key": key, "caption": f"{origin}"}) for origin, key in located]

    with beam.Pipeline(runner=FnApiRunner()) as pipeline:
        out = (
            pipeline
            | beam.Create(records)
            | UniqueKeys("test")
            | beam.Map(lambda r: (r["caption"], r["key"]))
        )
        assert_that(
            out,
            equal_to(
                [
                    ("(0, 0)", "000"),
                    ("(0, 1)", "001"),
                    ("(0, 2)", "001~3"),
                    ("(1, 0)", "000~2"),
                    ("(1, 1)", "001~2"),
                    ("(1, 2)", "x"),
                ]
            ),
        )
