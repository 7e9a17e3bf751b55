"""report.html's pieces: which samples it shows, how it names paths, and the max_length counts in stats."""

import pytest

from capfilt.curate import report, report_summary
from capfilt.curate.stats import Stats, summary_line
from tests.helpers.images import jpeg_bytes


@pytest.mark.parametrize(
    ("kept", "dropped", "total", "expected"),
    [
        (20, 20, 24, (12, 12)),  # equal halves when both have enough
        (20, 4, 24, (20, 4)),  # the run: all 4 dropped shown, kept fill the rest
        (3, 40, 24, (3, 21)),
        (5, 0, 24, (5, 0)),
        (20, 20, 7, (3, 4)),
        (20, 20, 0, (0, 0)),
    ],
)
def test_samples_are_half_kept_half_dropped_and_one_side_fills_the_other(kept, dropped, total, expected):
    kept_rows, dropped_rows = list(range(kept)), list(range(100, 100 + dropped))
    shown_kept, shown_dropped = report.pick_samples(kept_rows, dropped_rows, total)
    assert (len(shown_kept), len(shown_dropped)) == expected
    assert shown_kept == kept_rows[: expected[0]] and shown_dropped == dropped_rows[: expected[1]]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/home/ana/corpus/pairs/*.parquet", "…/pairs/*.parquet"),
        ("~/corpus/pairs/part-0.parquet", "…/pairs/part-0.parquet"),
        ("C:\\Users\\ana\\out", "…/ana/out"),
        ("gs://bucket/pairs/*.parquet", "gs://bucket/pairs/*.parquet"),
        ("pairs/*.parquet", "pairs/*.parquet"),
        ("Salesforce/blip-itm-base-coco", "Salesforce/blip-itm-base-coco"),
    ],
)
def test_the_report_shows_local_absolute_paths_by_their_last_parts_only(path, shown):
    assert report_summary.shown_path(path) == shown


def test_several_globs_are_each_shortened():
    assert report_summary.shown_paths("/a/b/c/*.parquet, gs://x/y") == "…/c/*.parquet, gs://x/y"


def scored_row(key: str, web_kept: bool, synthetic: list[tuple[float, bool, bool | None]]) -> dict:
    return {
        "key": key,
        "url": None,
        "image": {"bytes": jpeg_bytes(), "path": None},
        "web_caption": "a web text",
        "web_score": 0.7 if web_kept else 0.2,
        "web_kept": web_kept,
        "synthetic": [
            {"text": f"caption {i}", "score": score, "kept": kept, "hit_max_length": hit}
            for i, (score, kept, hit) in enumerate(synthetic)
        ],
        "captions": (["a web text"] if web_kept else [])
        + [f"caption {i}" for i, s in enumerate(synthetic) if s[1]],
        "policy": "paper(itm>=0.5)",
    }


def test_stats_count_captions_that_hit_max_length_and_merge_them():
    first, second = Stats(), Stats()
    first.add_scored(scored_row("a", True, [(0.944, True, True), (0.1, False, False)]), True)
    second.add_scored(scored_row("b", False, [(0.2, False, True), (0.3, False, None)]), False)
    summary = first.merge(second).summary()
    assert summary["synthetic"]["hit_max_length"] == 2 and summary["synthetic"]["hit_max_length_kept"] == 1
    assert summary["synthetic"]["scored"] == 4
    assert "2 synthetic caption(s) hit --max_length (1 kept)" in summary_line(summary, "out")


def test_topk_policy_in_words_says_every_image_keeps_a_text():
    words = report_summary.policy_in_words({"policy": "topk", "top_k": 2})
    assert "keep the 2 best-scored texts" in words and "every image keeps at least one text" in words


def test_a_page_without_dropped_images_says_so_and_a_flagged_caption_is_marked():
    stats = Stats()
    row = scored_row("k", False, [(0.944, True, True)])
    stats.add_scored(row, True)
    run = {
        "policy": "paper",
        "itm_threshold": 0.5,
        "input": "in/*.parquet",
        "input_files": 1,
        "output": "out",
    }
    page = report.render(stats.summary(), [(row, True)], run)
    assert "<h2>Dropped images</h2><p class='note'>None in this run.</p>" in page
    assert page.count('<span class="cut"') == 1 and "hit max_length: may end mid-phrase" in page
    assert report_summary.SECONDS_MARK in page
    assert report_summary.SECONDS_MARK not in report_summary.with_seconds(page, 12.34)
    assert "<th>Time</th><td>12.3 s</td>" in report_summary.with_seconds(page, 12.34)
