"""ITM re-ranked retrieval (`models.evaluate blip --rerank_k K`), BLIP's protocol, checked against
brute force: every (image, text) pair scored by transformers' own BlipForImageTextRetrieval ITM head, then
each query's top K by similarity ordered by that score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from transformers import BlipForImageTextRetrieval, BlipProcessor

import schemas
from models.evaluate import all_texts, embed_pairs
from models.evaluate import main as evaluate_main
from models.evaluation.encoders import load_encoder
from models.evaluation.retrieval import rerank_top_k, retrieval_recall
from models.training.data import decode_image, iter_table_records, table_schema
from models.training.transforms import draft_size_for
from tests.helpers.capfilt_tiny import save_hub_layout

LIMIT = 6  # images; 5 human references each


@pytest.fixture(scope="module")
def hub_filter(tmp_path_factory) -> Path:
    return save_hub_layout("filter", tmp_path_factory.mktemp("rerank") / "blip-itm", seed=3)


def brute_force_order(similarity: torch.Tensor, full_scores: torch.Tensor, k: int) -> list[list[int]]:
    """Each row's candidates: its top k by similarity sorted by full_scores + similarity, then the rest by
    similarity; written as plain Python loops, independent of rerank_top_k."""
    orders = []
    for row, scores in zip(similarity.tolist(), full_scores.tolist(), strict=True):
        by_similarity = sorted(range(len(row)), key=lambda j: -row[j])
        top, rest = by_similarity[:k], by_similarity[k:]
        orders.append(sorted(top, key=lambda j: -(scores[j] + row[j])) + rest)
    return orders


def order_of(scores: torch.Tensor) -> list[list[int]]:
    return torch.sort(scores, dim=1, descending=True, stable=True).indices.tolist()


@pytest.mark.parametrize("k", [1, 3, 7, 50])
def test_rerank_top_k_orders_the_top_k_by_the_pair_score_and_the_rest_by_similarity(k):
    generator = torch.Generator().manual_seed(k)
    similarity = torch.rand(5, 9, generator=generator) * 2 - 1
    full_scores = torch.randn(5, 9, generator=generator) * 4
    calls = []

    def pair_scores(rows, columns):
        calls.append(len(rows))
        return full_scores[rows, columns]

    reranked = rerank_top_k(similarity, k, pair_scores)
    assert order_of(reranked) == brute_force_order(similarity, full_scores, min(k, 9))
    assert calls == [5 * min(k, 9)]  # only the top k of each query is scored


def test_rerank_k_zero_is_the_similarity_itself():
    similarity = torch.rand(3, 4)
    assert rerank_top_k(similarity, 0, lambda rows, columns: 1 / 0) is similarity
    with pytest.raises(ValueError, match=">= 0"):
        rerank_top_k(similarity, -1, lambda rows, columns: rows)


def _brute_force_itm(checkpoint: Path, files: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Similarity, ITM match logits of every pair, and text_to_image, straight from transformers' model."""
    model = BlipForImageTextRetrieval.from_pretrained(checkpoint).eval()
    processor = BlipProcessor.from_pretrained(checkpoint)
    images, texts, text_to_image = [], [], []
    draft = draft_size_for(processor.image_processor)
    for path in files:
        schema = table_schema(path)
        for record in iter_table_records(path, schema):
            if len(images) == LIMIT:
                break
            image, record_texts = decode_image(record, draft), all_texts(record, schema)
            text_to_image += [len(images)] * len(record_texts)
            images.append(image)
            texts += record_texts
    pixels = processor.image_processor(images=images, return_tensors="pt").pixel_values
    tokens = processor.tokenizer(texts, padding=True, truncation=True, max_length=35, return_tensors="pt")
    # The hub layout has no [ENC] token; BLIP's [ENC] is the id after [DEC] (what `auto` picks here).
    itm_ids = tokens.input_ids.clone()
    itm_ids[:, 0] = model.config.text_config.bos_token_id + 1
    similarity = torch.zeros(len(images), len(texts))
    match = torch.zeros(len(images), len(texts))
    with torch.no_grad():
        for i in range(len(images)):
            image = pixels[i : i + 1].expand(len(texts), -1, -1, -1)
            match[i] = model(itm_ids, image, attention_mask=tokens.attention_mask).itm_score[:, 1]
            similarity[i] = model(
                tokens.input_ids, image, attention_mask=tokens.attention_mask, use_itm_head=False
            ).itm_score[0]
    return similarity, match, torch.tensor(text_to_image)


def test_evaluate_rerank_equals_brute_force_itm_of_the_top_k(hub_filter, small_world, capsys):
    data = f"{small_world}/test/*.parquet"
    similarity, match, text_to_image = _brute_force_itm(hub_filter, schemas.expand(data))
    k = 4
    expected_i2t = brute_force_order(similarity, match, k)
    expected_t2i = brute_force_order(similarity.t(), match.t(), k)

    encoder = load_encoder("blip", hub_filter)
    assert encoder.itm_first_token == "enc"  # a config without itm_first_token: BLIP's convention
    pairs = embed_pairs(encoder, schemas.expand(data), batch_size=4, limit=LIMIT, keep_image_states=True)
    assert torch.equal(pairs.text_to_image, text_to_image)
    torch.testing.assert_close(pairs.image_features @ pairs.text_features.t(), similarity, atol=1e-5, rtol=0)

    def expected_recall(orders_i2t, orders_t2i):
        # Ranks turned back into scores (higher first) for retrieval_recall's hit rule.
        def scores(orders):
            out = torch.zeros(len(orders), len(orders[0]))
            for row, order in enumerate(orders):
                out[row, order] = torch.arange(len(order), 0, -1, dtype=torch.float)
            return out

        return retrieval_recall(scores(orders_i2t), text_to_image, t2i_similarity=scores(orders_t2i))

    summary = evaluate_main(
        ["blip", "--checkpoint", str(hub_filter), "--data", data, "--limit", str(LIMIT),
         "--batch_size", "4", "--rerank_k", str(k)]
    )  # fmt: skip
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[1].split()[0] == "blip" and lines[2].split()[:3] == ["blip", "+ITM", f"top-{k}"]
    assert json.loads(lines[-1]) == summary and summary["rerank_k"] == k
    reranked = expected_recall(expected_i2t, expected_t2i)
    similarity_only = retrieval_recall(similarity, text_to_image)
    for name in reranked:
        assert summary[f"itm_{name}"] == pytest.approx(round(reranked[name], 2), abs=0.01)
        assert summary[name] == pytest.approx(round(similarity_only[name], 2), abs=0.01)
    # Re-ranking moved something (else this test could not tell the figures apart).
    assert expected_i2t != order_of(similarity) or expected_t2i != order_of(similarity.t())

    plain = evaluate_main(
        ["blip", "--checkpoint", str(hub_filter), "--data", data, "--limit", str(LIMIT), "--rerank_k", "0"]
    )
    assert not any(key.startswith("itm_") or key == "rerank_k" for key in plain)
    assert {key: plain[key] for key in similarity_only} == {key: summary[key] for key in similarity_only}


def test_rerank_refuses_a_clip_checkpoint_in_one_line(tmp_path, capsys):
    from models.clip import save_clip
    from tests.helpers.clip_tiny import tiny_model, tiny_processor, tiny_tokenizer

    tokenizer = tiny_tokenizer(tmp_path)
    save_clip(tiny_model(tokenizer), tiny_processor(tokenizer), tmp_path / "clip")
    with pytest.raises(SystemExit):
        evaluate_main(["clip", "--checkpoint", str(tmp_path / "clip"), "--data", "x", "--rerank_k", "8"])
    assert "--rerank_k needs a BLIP checkpoint" in capsys.readouterr().err
