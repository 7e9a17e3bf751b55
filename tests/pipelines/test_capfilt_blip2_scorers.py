"""`python -m pipelines.capfilt` with BLIP-2 ITM and ITC scorers of one tiny hub-layout checkpoint in a
stacked policy: every stored score equals transformers' own forward on the image the pipeline decoded."""

import glob
import json
import os

import pytest
import torch
from transformers import AutoProcessor, Blip2ForImageTextRetrieval

import schemas
from capfilt.curate.prepare import decode_image
from pipelines import capfilt as job
from tests.helpers.blip2_retrieval_tiny import save_tiny_blip2_retrieval
from tests.helpers.worlds import WEB_ONLY, build_world

FAST = ["--max_length", "12", "--min_length", "4", "--report_samples", "2", "--num_captions", "2"]
POLICY = "b2itm>0.5 & top50%(b2itc)"


def test_blip2_scores_are_stored_by_name_and_the_stacked_policy_holds(tmp_path, tiny_blip):
    world = build_world(tmp_path / "world", web=6, **WEB_ONLY)
    blip2 = save_tiny_blip2_retrieval(tmp_path / "blip2-itm", seed=5)
    output = tmp_path / "out"
    summary = job.run(
        ["--input", str(world / "web" / "*.parquet"), *FAST, "--batch_size", "4"]
        + ["--captioner", tiny_blip["captioner"], "--filter", tiny_blip["filter"]]
        + ["--scorer", f"b2itm=blip2-itm:{blip2},b2itc=blip2-itc:{blip2}", "--policy", POLICY]
        + ["--output", str(output), "--allow_empty_output"]
    )
    assert summary["accounted"]
    files = glob.glob(os.path.join(output, "curated", "*.parquet")) + glob.glob(
        os.path.join(output, "dropped", "*.parquet")
    )
    rows = [row for path in files for row in schemas.read_table(path, schemas.CURATED).to_pylist()]
    assert len(rows) == 6
    model = Blip2ForImageTextRetrieval.from_pretrained(str(blip2)).eval()
    processor = AutoProcessor.from_pretrained(str(blip2))
    texts = []  # (ITM, ITC, kept) of every text of the run
    for row in rows:
        image = decode_image(row["image"]["bytes"])
        pairs = [(row["web_caption"], row["web_scores"], row["web_kept"])]
        pairs += [(s["text"], s["scores"], s["kept"]) for s in row["synthetic"]]
        for text, scores, kept in pairs:
            assert [s["scorer"] for s in scores] == ["itm", "b2itm", "b2itc"]
            inputs = processor(images=image, text=text, return_tensors="pt")
            with torch.no_grad():
                itm = model(**inputs, use_image_text_matching_head=True).logits_per_image.softmax(dim=1)[0, 1]
                itc = model(**inputs, use_image_text_matching_head=False).logits_per_image[0, 0]
            assert abs(scores[1]["score"] - itm.item()) < 1e-5 and abs(scores[2]["score"] - itc.item()) < 1e-5
            texts.append((scores[1]["score"], scores[2]["score"], kept))
    assert len(texts) == 18
    # The intersection: every kept text passes the ITM threshold, and among those that do, the global top
    # half by ITC is what was kept (every kept one ranks above every one left out).
    assert all(itm > 0.5 for itm, _, kept in texts if kept)
    kept_itc = [itc for itm, itc, kept in texts if kept]
    left_itc = [itc for itm, itc, kept in texts if itm > 0.5 and not kept]
    assert kept_itc and left_itc and min(kept_itc) > max(left_itc)
    stats = json.loads((output / "stats.json").read_text())
    assert list(stats["scorers"]) == ["itm", "b2itm", "b2itc"]
    assert stats["scorers"]["b2itm"]["histogram"]["range"] == [0.0, 1.0]
    assert stats["scorers"]["b2itc"]["histogram"]["range"] == [-1.0, 1.0]
    names = stats["settings"]["model_names"]["scorers"]
    assert names["b2itm"].startswith("blip2-itm:blip2-itm@") and names["b2itc"].startswith(
        "blip2-itc:blip2-itm@"
    )


def test_a_wrong_blip2_scorer_stops_the_job_before_beam(tmp_path, tiny_blip):
    world = build_world(tmp_path / "world", web=2, **WEB_ONLY)
    flags = ["--input", str(world / "web" / "*.parquet"), "--filter", tiny_blip["filter"]]
    output = tmp_path / "out"
    with pytest.raises(ValueError, match=r"--scorer b2=blip2-itm:.*nowhere: scorer checkpoint not found"):
        job.run([*flags, "--scorer", f"b2=blip2-itm:{tmp_path / 'nowhere'}", "--output", str(output)])
    with pytest.raises(ValueError, match=r"--scorer b2=.*: a BLIP-2 checkpoint scores two ways"):
        blip2 = save_tiny_blip2_retrieval(tmp_path / "blip2", seed=1)
        job.run([*flags, "--scorer", f"b2={blip2}", "--output", str(output)])
    assert not output.exists()
