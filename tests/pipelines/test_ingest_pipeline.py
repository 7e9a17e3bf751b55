"""pipelines.ingest end to end against the demo site on 127.0.0.1: every trap ends where it belongs."""

from __future__ import annotations

import glob
import html
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import schemas
from capfilt.world.site_server import serve_site
from pipelines.ingest import run
from tests.helpers.ingest_site import TEST_FLAGS, make_site, make_world

WEB = 40


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    world = make_world(tmp_path_factory.mktemp("world"), web=WEB)
    os.makedirs(f"{world}/site")
    with serve_site(f"{world}/site") as server:
        summary = make_site(world, server.base_url)
        summary["server"] = server
        yield summary


def _read(output, kind, schema):
    rows = []
    for path in sorted(glob.glob(f"{output}/{kind}/*.parquet")):
        rows.extend(schemas.read_table(path, schema).to_pylist())
    return rows


def _ingest(site, tmp_path, input_name, *extra):
    output = str(tmp_path / "out")
    stats = run(["--input", f"{site['site']}/{input_name}", "--output", output, *TEST_FLAGS, *extra])
    pairs = _read(output, "pairs", schemas.PAIRS)
    rejects = _read(output, "rejects", schemas.REJECTS)
    return output, stats, pairs, rejects


def _count_imgs(site):
    from capfilt.ingest.crawl import parse_html

    pages = glob.glob(f"{site['site']}/pages/*.html") + [f"{site['site']}/traps.html"]
    return sum(len(list(parse_html(open(p, "rb").read()).iter("img"))) for p in pages)


def test_warc_every_trap_ends_where_it_belongs(site, tmp_path):
    output, stats, pairs, rejects = _ingest(site, tmp_path, "site.warc.gz")

    inputs = _count_imgs(site)
    assert stats["input_rows"] == inputs
    assert len(pairs) + len(rejects) == inputs
    assert stats["accounted"] and stats["pairs"] == len(pairs) and stats["rejects"] == len(rejects)
    keys = [r["key"] for r in pairs] + [r["key"] for r in rejects]
    assert len(set(keys)) == len(keys), "a row ended in two places"

    by_url = {}
    for reject in rejects:
        by_url.setdefault(reject["url"], []).append((reject["stage"], reject["reason"]))
    base = site["server"].base_url.rstrip("/")
    for trap in site["manifest"]:
        if trap.get("reason") is None or "path" not in trap:
            continue
        url = trap["path"] if "://" in trap["path"] else base + trap["path"]
        assert (trap["stage"], trap["reason"]) in by_url.get(url, []), (trap["name"], by_url.get(url))
    reasons = {(r["stage"], r["reason"]) for r in rejects}
    for trap in site["manifest"]:
        if trap.get("stage") and trap["stage"] != "pairs":
            assert (trap["stage"], trap["reason"]) in reasons, trap["name"]

    # The image served as text/plain is validated by decoding, and kept.
    assert any(p["url"].endswith("/traps/wrong-type.jpg") for p in pairs)
    # srcset: the largest candidate is fetched, never the fallback src.
    assert not any("fallback" in p["url"] or "w=32" in p["url"] for p in pairs)
    # The private host was refused before any connection: the reason is the policy, not a refused socket.
    escape = [r for r in rejects if (r["url"] or "").endswith("/traps/escape.jpg")]
    assert escape[0]["reason"] == "blocked_private_address" and "127.0.0.2" in escape[0]["detail"]
    assert site["server"].requests["/robots.txt"] >= 1

    for pair in pairs:
        assert pair["width"] <= 64 or pair["height"] <= 64
        assert pair["sha256"] and len(pair["phash"]) == 16 and pair["page_url"].startswith(base)
        assert pair["caption"] and pair["caption_boilerplate"] in (True, False)
    assert len({p["sha256"] for p in pairs}) == len(pairs), "exact duplicates survived"
    assert stats["rejects_by_reason"]["fetch/timeout"] == 1
    written = {os.path.relpath(p, output) for p in glob.glob(f"{output}/*/*")}
    assert written == set(stats["files"])
    assert set(os.listdir(output)) == {"pairs", "rejects", "report.html", "stats.json", "_manifest.json"}


def test_rerun_gives_the_same_files_and_no_duplicates(site, tmp_path):
    output, first, pairs, rejects = _ingest(site, tmp_path, "urls.parquet")
    # A rerun with smaller shards replaces every shard of the first run, and only those.
    _, second, pairs_again, rejects_again = _ingest(
        site, tmp_path, "urls.parquet", "--rows_per_output_shard", "7"
    )
    assert len(glob.glob(f"{output}/pairs/*.parquet")) == -(-second["pairs"] // 7)
    assert sorted(pairs_again, key=lambda r: r["key"]) == sorted(pairs, key=lambda r: r["key"])
    assert first["rejects_by_reason"] == second["rejects_by_reason"]
    _, _, pairs_third, rejects_third = _ingest(site, tmp_path, "urls.parquet")
    assert pairs_third == pairs and rejects_third == rejects
    assert not glob.glob(f"{output}/*inprogress*")


def test_url_list_with_custom_columns(site, tmp_path):
    table = pq.read_table(f"{site['site']}/urls.parquet")
    listing = tmp_path / "list.tsv"
    rows = [
        "link\ttext",
        *(f"{u}\t{c}" for u, c in zip(table["url"].to_pylist(), table["caption"].to_pylist(), strict=True)),
    ]
    rows.append("\tno url here")
    listing.write_text("\n".join(rows) + "\n")
    output = str(tmp_path / "out")
    stats = run(["--input", str(listing), "--output", output, "--url_col", "link", "--caption_col", "text",
                 *TEST_FLAGS])  # fmt: skip
    assert stats["input_rows"] == WEB + 1
    assert stats["accounted"]
    assert stats["rejects_by_reason"].get("read/missing_url") == 1


def test_wat_records(site, tmp_path):
    _, stats, pairs, _ = _ingest(site, tmp_path, "site.wat.gz")
    assert stats["accounted"]
    assert {p["source"] for p in pairs} == {"wat"}
    assert stats["rejects_by_reason"]["fetch/robots_disallowed"] == 1


def test_default_policy_refuses_loopback_without_a_request(site, tmp_path):
    before = sum(site["server"].requests.values())
    output = str(tmp_path / "out")
    flags = [f for f in TEST_FLAGS if f not in ("--allow_networks", "127.0.0.1/32")]
    stats = run(
        ["--input", f"{site['site']}/urls.parquet", "--output", output, *flags, "--allow_empty_output"]
    )
    assert stats["rejects_by_reason"] == {"fetch/blocked_private_address": WEB}
    assert sum(site["server"].requests.values()) == before


@pytest.mark.slow
def test_multi_processing_direct_runner(site, tmp_path):
    _, stats, pairs, rejects = _ingest(
        site, tmp_path, "site.warc.gz", "--direct_num_workers=2", "--direct_running_mode=multi_processing"
    )
    assert stats["accounted"] and stats["input_rows"] == _count_imgs(site)
    assert stats["rejects_by_reason"]["dedup/duplicate_image"] == 1
    with open(f"{tmp_path}/out/stats.json") as handle:
        assert json.load(handle)["pairs"] == len(pairs)


def test_img2dataset_output_is_validated_and_deduplicated(tmp_path):
    from tests.helpers.images import jpeg_bytes

    good = jpeg_bytes(size=(96, 72))

    def row(index, caption, data, status="success"):
        return {"key": f"{index:09d}", "url": f"http://a/{index}.jpg", "caption": caption, "status": status,
                "error_message": None if data else "HTTP Error 404", "jpg": data}  # fmt: skip

    rows = [row(0, "a red box", good), row(1, "same box", good), row(2, "broken", b"xx"),
            row(3, "gone", None, "failed_to_download")]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "00000.parquet")
    output = str(tmp_path / "out")
    stats = run(
        ["--input", str(tmp_path / "00000.parquet"), "--output", output, "--input_format", "img2dataset"]
    )
    assert stats["accounted"] and stats["input_rows"] == 4 and stats["pairs"] == 1
    assert stats["rejects_by_reason"]["dedup/duplicate_image"] == 1
    assert stats["rejects_by_reason"]["decode/not_an_image"] == 1


REAL_SHARDS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "real", "shards")


def test_repeated_keys_damaged_shards_and_unreadable_files_are_all_accounted(tmp_path):
    """Real shards read twice (every key repeated), a cut shard, a Hugging Face export without keys, a URL
    list without a URL column and a file that is not Parquet: the job goes on and nothing vanishes."""
    import shutil

    derived = f"{REAL_SHARDS}/derived"
    shutil.copytree(f"{derived}/photos-hf", tmp_path / "photos-hf")
    (tmp_path / "copy").mkdir()
    shutil.copy(f"{derived}/digits.tar", tmp_path / "copy" / "digits.tar")
    (tmp_path / "links.csv").write_text("link,caption\nhttp://127.0.0.1/a.jpg,a\n")
    (tmp_path / "garbage.parquet").write_bytes(b"PAR1 not parquet at all")
    inputs = [
        f"{derived}/digits.tar",
        str(tmp_path / "copy" / "digits.tar"),
        f"{derived}/digits-truncated.tar.gz",
        str(tmp_path / "photos-hf"),
        str(tmp_path / "links.csv"),
        str(tmp_path / "garbage.parquet"),
    ]
    output = str(tmp_path / "out")
    stats = run(["--input", ",".join(inputs), "--output", output, "--phash_threshold", "-1"])

    pairs = [
        row for path in schemas.expand(output) for row in schemas.read_table(path, schemas.PAIRS).to_pylist()
    ]
    rejects = [
        row
        for path in sorted(glob.glob(f"{output}/rejects/*.parquet"))
        for row in schemas.read_table(path, schemas.REJECTS).to_pylist()
    ]
    # 20 + 20 + (11 samples + 1 reject) + 5 photos + 1 + 1 input rows, each exactly once in the output.
    assert stats["input_rows"] == 59 and stats["accounted"] and stats["unaccounted"] == 0
    assert len(pairs) + len(rejects) == 59
    keys = [r["key"] for r in pairs] + [r["key"] for r in rejects if r["key"]]
    assert len(keys) == len(set(keys)), "a key was shared"
    by_key = {r["key"]: r for r in rejects if r["key"]}
    # The copy's samples are renamed, then refused as what they are: the same pairs again.
    assert (by_key["a/10~2"]["stage"], by_key["a/10~2"]["reason"]) == ("dedup", "duplicate_pair")
    assert by_key["a/10~2"]["detail"] == "same URL as a/10"
    assert stats["rejects_by_reason"]["dedup/duplicate_pair"] == 20 + 11
    assert stats["rejects_by_reason"]["read/truncated_shard"] == 1
    file_rejects = {r["reason"]: r["detail"] for r in rejects if r["key"] is None}
    assert "links.csv: no URL column" in file_rejects["unsupported_file"]
    assert "garbage.parquet: not a readable Parquet file" in file_rejects["unreadable_file"]
    photos = [p for p in pairs if p["source"] == "image_text"]
    assert sorted(p["key"] for p in photos) == [f"train-00000-of-00001-{i:09d}" for i in range(5)]


def test_no_download_contacts_no_host_and_its_candidates_are_a_url_list(site, tmp_path):
    server = site["server"]
    before = dict(server.requests)
    extracted = str(tmp_path / "candidates")
    stats = run(["--input", f"{site['site']}/site.warc.gz", "--output", extracted, "--no_download"])
    assert dict(server.requests) == before, "--no_download contacted the site (robots.txt or an image)"
    assert stats["mode"] == "extract" and stats["input_rows"] == _count_imgs(site)
    candidates = _read(extracted, "candidates", schemas.CANDIDATES)
    rejects = _read(extracted, "rejects", schemas.REJECTS)
    assert (
        stats["candidates"] == len(candidates) and stats["candidates"] + len(rejects) == stats["input_rows"]
    )
    assert {r["stage"] for r in rejects} <= {"read", "crawl", "text", "dedup"}  # nothing after the download
    assert all(c["url"] and c["caption"] and c["page_url"] for c in candidates)
    assert any(c["url"].startswith("ftp:") for c in candidates)  # refused only by the download step
    assert sorted(os.listdir(extracted)) == [
        "_manifest.json",
        "candidates",
        "rejects",
        "report.html",
        "stats.json",
    ]

    # The candidates are the URL list a later run downloads: it gives the pairs a direct run gives.
    _, direct, direct_pairs, _ = _ingest(site, tmp_path, "site.warc.gz")
    later_output = str(tmp_path / "later")
    later = run(["--input", f"{extracted}/candidates/*.parquet", "--output", later_output, *TEST_FLAGS])
    later_pairs = _read(later_output, "pairs", schemas.PAIRS)
    assert later["pairs"] == direct["pairs"]
    assert {(p["url"], p["caption"], p["sha256"]) for p in later_pairs} == {
        (p["url"], p["caption"], p["sha256"]) for p in direct_pairs
    }


def test_no_download_refuses_inputs_that_hold_images(site, tmp_path):
    output, _, _, _ = _ingest(site, tmp_path, "urls.parquet")
    with pytest.raises(ValueError, match="--no_download extracts candidates from crawl files and URL lists"):
        run(["--input", f"{output}/pairs/*.parquet", "--output", str(tmp_path / "x"), "--no_download"])


def test_the_ingest_report_shows_counts_reasons_examples_and_samples(site, tmp_path):
    output, stats, pairs, rejects = _ingest(site, tmp_path, "site.warc.gz")
    page = Path(output, "report.html").read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page and "<link" not in page
    assert 'src="http' not in page, "the page must open with no server"
    for reason, count in stats["rejects_by_reason"].items():
        assert f'<td>{reason}</td><td class="n">{count}</td>' in page
    timeout = next(r for r in rejects if r["reason"] == "timeout")
    assert html.escape(timeout["detail"]) in page  # an example per reason, with its detail
    assert page.count("data:image/jpeg;base64,") == min(12, len(pairs))
    assert stats["sizes"]["images"] == len(pairs) == sum(stats["sizes"]["original_short_side"].values())
    assert "All settings of this run" in page and "allow_networks" in page
