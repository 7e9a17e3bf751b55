"""BLIP's VQA head on a tiny real model: the answer-weighted loss, rank_answer against brute force,
generation and the export loading in transformers' BlipForQuestionAnswering."""

import logging
from pathlib import Path

import pytest
import torch
from transformers import BlipConfig, BlipForQuestionAnswering

from models.blip import checkpoint
from models.blip.vqa import BlipVqaModel, check_config
from models.blip.vqa_data import VqaCollator, answer_weights, clean_question, tokenize_answers
from models.blip.vqa_task import load_vqa
from tests.helpers.capfilt_tiny import tiny_config
from tests.helpers.vqa_tiny import save_tiny_pretrained

CANDIDATES = ["red", "blue", "green", "yellow", "two", "three", "circle", "square", "left", "a red star"]


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    return save_tiny_pretrained(tmp_path_factory.mktemp("pretrained"))


def samples(count=3):
    torch.manual_seed(1)
    questions = ["what color is the circle?", "how many stars are there", "where is the square"]
    answers = [["red"] * 7 + ["blue"] * 3, ["two", "two", "three"], ["left"]]
    return [
        {
            "key": f"q{i}",
            "question": clean_question(questions[i % 3]),
            **dict(zip(("answers", "weights"), answer_weights(answers[i % 3]), strict=True)),
            "pixel_values": torch.randn(3, 32, 32),
        }
        for i in range(count)
    ]


def test_answer_weights_are_shares_of_the_annotators():
    assert answer_weights(["Red", "red ", "blue", "red"]) == (["red", "blue"], [0.75, 0.25])
    assert clean_question("What colour is it? (left-most)") == "what colour is it left most"


def test_loads_every_part_from_a_pretrained_checkpoint(pretrained, caplog):
    with caplog.at_level(logging.WARNING):
        model, _ = load_vqa(str(pretrained))
    assert "fresh initialisation" not in caplog.text
    source = checkpoint.read_state_dict(pretrained)
    for name, value in model.state_dict().items():
        assert torch.equal(value, source[name]), name


def test_loss_is_the_answer_weighted_lm_loss(pretrained):
    model, processor = load_vqa(str(pretrained), label_smoothing=0.0)
    batch = VqaCollator(processor.tokenizer)(samples())
    batch.pop("keys")
    out = model(batch)
    assert out["loss"].requires_grad and torch.isfinite(out["loss"])
    # The same figure from first principles: per question, sum_a w_a * -log p(a | image, question).
    expected = 0.0
    for q in range(3):
        rows = (batch["answer_question"] == q).nonzero().squeeze(1)
        states = model.question_states(
            batch["pixel_values"][q : q + 1],
            batch["question_ids"][q : q + 1],
            batch["question_mask"][q : q + 1],
        )
        for r in rows.tolist():
            ids, mask = batch["answer_ids"][r : r + 1], batch["answer_mask"][r : r + 1]
            logits = model.answer_logits(states, batch["question_mask"][q : q + 1], ids, mask)
            log_probs = torch.log_softmax(logits[0, :-1], dim=-1)
            length = int(mask.sum())
            token_lp = log_probs[torch.arange(length - 1), ids[0, 1:length]].sum()
            expected += -batch["answer_weights"][r] * token_lp
    torch.testing.assert_close(out["loss"], expected / 3, rtol=1e-4, atol=1e-5)
    out["loss"].backward()
    assert model.text_encoder.encoder.layer[0].crossattention.self.query.weight.grad.abs().sum() > 0


def test_rank_answer_equals_brute_force_scoring(pretrained):
    model, processor = load_vqa(str(pretrained))
    model.eval()
    batch = VqaCollator(processor.tokenizer)(samples(6))
    states = model.question_states(batch["pixel_values"], batch["question_ids"], batch["question_mask"])
    ids, mask = tokenize_answers(processor.tokenizer, CANDIDATES, 10)
    n, c = states.shape[0], len(CANDIDATES)
    # Brute force: every (question, candidate) scored on its own, without padding of other candidates.
    brute = torch.empty(n, c)
    first = torch.empty(n, c)
    for q in range(n):
        for a in range(c):
            length = int(mask[a].sum())
            one = ids[a : a + 1, :length]
            logits = model.answer_logits(states[q : q + 1], batch["question_mask"][q : q + 1], one)
            log_probs = torch.log_softmax(logits[0, :-1].float(), dim=-1)
            brute[q, a] = log_probs[torch.arange(length - 1), one[0, 1:]].sum()
            first[q, a] = log_probs[0, one[0, 1]]
    chosen, score = model.rank_answer(states, batch["question_mask"], ids, mask, k=128)
    assert chosen.tolist() == brute.argmax(dim=1).tolist()
    torch.testing.assert_close(score, brute.max(dim=1).values, rtol=1e-4, atol=1e-4)
    # With k below the list, the best of the k candidates whose first token is most likely.
    k = 3
    chosen_k, _ = model.rank_answer(states, batch["question_mask"], ids, mask, k=k)
    for q in range(n):
        finalists = first[q].topk(k).indices
        assert chosen_k[q].item() == finalists[brute[q, finalists].argmax()].item()
    # The questions are scored differently (a model that ignored its input would test nothing).
    assert len({tuple(row.argsort().tolist()) for row in brute}) > 1


def test_export_loads_in_blip_for_question_answering(pretrained, tmp_path):
    model, processor = load_vqa(str(pretrained))
    model.eval()
    checkpoint.export(model, processor, "vqa", tmp_path / "vqa")
    loaded = BlipForQuestionAnswering.from_pretrained(tmp_path / "vqa").eval()
    batch = VqaCollator(processor.tokenizer)(samples())
    ours = model.generate(batch["pixel_values"], batch["question_ids"], batch["question_mask"])
    theirs = loaded.generate(
        input_ids=batch["question_ids"],
        attention_mask=batch["question_mask"],
        pixel_values=batch["pixel_values"],
        num_beams=3,
        max_length=10,
        min_length=1,
    )
    assert ours.tolist() == theirs.tolist()
    # Teacher-forced: transformers' forward with labels gives the decoder logits ours gives.
    states = model.question_states(batch["pixel_values"], batch["question_ids"], batch["question_mask"])
    with torch.no_grad():
        question = loaded.text_encoder(
            input_ids=batch["question_ids"],
            attention_mask=batch["question_mask"],
            encoder_hidden_states=loaded.vision_model(batch["pixel_values"]).last_hidden_state,
        ).last_hidden_state
    torch.testing.assert_close(question, states, rtol=1e-5, atol=1e-5)


def test_a_config_whose_widths_differ_is_refused():
    config = tiny_config().to_dict()
    config["vision_config"]["hidden_size"] = 48
    with pytest.raises(ValueError, match="equal vision width"):
        check_config(BlipConfig(**{k: config[k] for k in ("text_config", "vision_config")}))
    with pytest.raises(ValueError, match="equal vision width"):
        BlipVqaModel(BlipConfig(**{k: config[k] for k in ("text_config", "vision_config")}))


def test_the_answer_reads_the_image(pretrained):
    """Only the image changes: the answer log-likelihoods change, and the loss reaches the vision encoder
    through both cross-attentions (encoder -> image, decoder -> question states)."""
    model, processor = load_vqa(str(pretrained), label_smoothing=0.0)
    batch = VqaCollator(processor.tokenizer)(samples())
    batch.pop("keys")
    ids, mask = tokenize_answers(processor.tokenizer, CANDIDATES, 10)

    def scores(pixel_values):
        states = model.question_states(pixel_values, batch["question_ids"][:1], batch["question_mask"][:1])
        repeat = len(CANDIDATES)
        return model.score_answers(
            states.expand(repeat, -1, -1), batch["question_mask"][:1].expand(repeat, -1), ids, mask
        )

    own, other = scores(batch["pixel_values"][:1]), scores(batch["pixel_values"][1:2])
    assert (own - other).abs().max() > 1e-3
    model(batch)["loss"].backward()
    assert model.vision_model.embeddings.patch_embedding.weight.grad.abs().sum() > 0
    assert model.text_decoder.bert.encoder.layer[0].crossattention.self.key.weight.grad.abs().sum() > 0


def test_the_answer_decoder_can_come_from_a_captioner(tiny_blip, caplog):
    """--init a filter (no decoder) with --init_decoder a captioner: every part from a checkpoint."""
    with caplog.at_level(logging.WARNING):
        model, _ = load_vqa(tiny_blip["filter"], decoder_source=tiny_blip["captioner"])
    assert "fresh initialisation" not in caplog.text
    encoder, decoder = (checkpoint.read_state_dict(Path(tiny_blip[k])) for k in ("filter", "captioner"))
    for name, value in model.state_dict().items():
        source = decoder if name.startswith("text_decoder.") else encoder
        if name in source:
            assert torch.equal(value, source[name].float()), name
    assert any(name.startswith("text_decoder.") for name in decoder)
    with pytest.raises(ValueError, match="no text decoder weights"):
        load_vqa(tiny_blip["filter"], decoder_source=tiny_blip["filter"])
