"""BLIP's VQA model (salesforce/BLIP `models/blip_vqa.py`) on transformers' modules.

The image-grounded text encoder reads the image and the question; the answer decoder attends the encoder's
question states and generates the answer. Training weights each annotator answer's LM loss by its share of
the annotators (BLIP's answer-weighted loss); inference generates an answer or ranks a candidate list
(`rank_answer`). Submodule names equal `BlipForQuestionAnswering`'s (vision_model, text_encoder,
text_decoder), so the export is the state dict as is and a BLIP pretrained checkpoint loads by name.
"""

from __future__ import annotations

import logging

import torch
from torch import nn
from torch.nn import functional as F
from transformers import BlipConfig, BlipTextLMHeadModel, BlipTextModel, BlipVisionModel

from models.blip.conventions import IGNORE_INDEX

log = logging.getLogger(__name__)

# BLIP's inference settings (blip_vqa.py, configs/vqa.yaml).
RANK_K = 128
NUM_BEAMS = 3
MAX_ANSWER_TOKENS = 10


def check_config(config: BlipConfig) -> None:
    """The one text config serves both cross-attentions (encoder -> image, decoder -> question states), as
    in transformers' BlipForQuestionAnswering, so the three widths must agree (true of BLIP-base)."""
    text, vision = config.text_config, config.vision_config
    widths = {text.encoder_hidden_size, text.hidden_size, vision.hidden_size}
    if len(widths) != 1:
        raise ValueError(
            "a VQA model needs equal vision width, text width and text encoder_hidden_size, got "
            f"{vision.hidden_size}, {text.hidden_size}, {text.encoder_hidden_size}"
        )


def sequence_log_likelihood(
    logits: torch.Tensor, labels: torch.Tensor, label_smoothing: float = 0.0
) -> torch.Tensor:
    """Per row, the sum over target tokens of log p(token) (with `label_smoothing`, minus the smoothed
    cross-entropy); `labels` are aligned with the inputs and IGNORE_INDEX where there is no target."""
    shifted = logits[:, :-1, :].float()
    targets = labels[:, 1:]
    losses = F.cross_entropy(
        shifted.reshape(-1, shifted.shape[-1]),
        targets.reshape(-1),
        ignore_index=IGNORE_INDEX,
        label_smoothing=label_smoothing,
        reduction="none",
    )
    return -losses.view(targets.shape).sum(dim=1)


def answer_labels(answer_ids: torch.Tensor, answer_mask: torch.Tensor) -> torch.Tensor:
    """Decoder targets: the ids, padding ignored ([DEC] at position 0 is never a target after the shift)."""
    return answer_ids.masked_fill(answer_mask == 0, IGNORE_INDEX)


class BlipVqaModel(nn.Module):
    """forward(batch) -> {"loss", "vqa"}; see models.blip.vqa_data.VqaCollator for the batch keys."""

    def __init__(self, config: BlipConfig, label_smoothing: float = 0.1):
        super().__init__()
        check_config(config)
        self.config = config
        self.label_smoothing = label_smoothing
        self.vision_model = BlipVisionModel(config.vision_config)
        self.text_encoder = BlipTextModel(config.text_config, add_pooling_layer=False)
        self.text_decoder = BlipTextLMHeadModel(config.text_config)
        # The output projection is the decoder's word-embedding matrix, as in every BLIP decoder.
        self.text_decoder.cls.predictions.decoder.weight = (
            self.text_decoder.bert.embeddings.word_embeddings.weight
        )

    def question_states(
        self, pixel_values: torch.Tensor, question_ids: torch.Tensor, question_mask: torch.Tensor
    ) -> torch.Tensor:
        """The image-grounded encoder's states of the question (its first token: models.blip.conventions)."""
        image_embeds = self.vision_model(pixel_values=pixel_values).last_hidden_state
        image_atts = torch.ones(image_embeds.shape[:-1], dtype=torch.long, device=image_embeds.device)
        return self.text_encoder(
            input_ids=question_ids,
            attention_mask=question_mask,
            encoder_hidden_states=image_embeds,
            encoder_attention_mask=image_atts,
        ).last_hidden_state

    def answer_logits(
        self,
        states: torch.Tensor,
        state_mask: torch.Tensor,
        answer_ids: torch.Tensor,
        answer_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        return self.text_decoder(
            input_ids=answer_ids,
            attention_mask=answer_mask,
            encoder_hidden_states=states,
            encoder_attention_mask=state_mask,
        ).logits

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """BLIP's VQA loss: each answer row's smoothed LM loss (summed over its tokens) times its weight,
        summed and divided by the number of questions."""
        states = self.question_states(batch["pixel_values"], batch["question_ids"], batch["question_mask"])
        owner = batch["answer_question"]  # the question of each answer row
        logits = self.answer_logits(
            states[owner], batch["question_mask"][owner], batch["answer_ids"], batch["answer_mask"]
        )
        labels = answer_labels(batch["answer_ids"], batch["answer_mask"])
        log_likelihood = sequence_log_likelihood(logits, labels, self.label_smoothing)
        loss = -(batch["answer_weights"] * log_likelihood).sum() / states.shape[0]
        return {"loss": loss, "vqa": loss}

    @torch.no_grad()
    def score_answers(
        self,
        states: torch.Tensor,
        state_mask: torch.Tensor,
        answer_ids: torch.Tensor,
        answer_mask: torch.Tensor,
    ) -> torch.Tensor:
        """log p(answer | image, question) of answer row i for question row i (exact, no smoothing)."""
        logits = self.answer_logits(states, state_mask, answer_ids, answer_mask)
        return sequence_log_likelihood(logits, answer_labels(answer_ids, answer_mask))

    @torch.no_grad()
    def rank_answer(
        self,
        states: torch.Tensor,
        state_mask: torch.Tensor,
        answer_ids: torch.Tensor,
        answer_mask: torch.Tensor,
        k: int = RANK_K,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """BLIP's rank_answer: the k candidates whose first token is most likely after [DEC], re-scored by
        their whole log-likelihood; returns (best candidate index, its log-likelihood) per question.

        Candidates are `answer_ids` rows `[DEC] answer [SEP] [PAD]...`. BLIP scores the k finalists with its
        training loss (label smoothing 0.1); here they are scored by their exact log-likelihood, so with
        k >= the number of candidates the choice is the arg-max over all of them.
        """
        num_questions, num_candidates = states.shape[0], answer_ids.shape[0]
        k = min(k, num_candidates)
        start = answer_ids[:1, :1].expand(num_questions, 1)
        first_logits = self.answer_logits(states, state_mask, start)[:, 0, :]
        first_probs = F.softmax(first_logits.float(), dim=1).index_select(1, answer_ids[:, 1])
        top_ids = first_probs.topk(k, dim=1).indices  # (questions, k)
        flat = top_ids.reshape(-1)
        scores = self.score_answers(
            states.repeat_interleave(k, dim=0),
            state_mask.repeat_interleave(k, dim=0),
            answer_ids[flat],
            answer_mask[flat],
        ).view(num_questions, k)
        best, position = scores.max(dim=1)
        return top_ids.gather(1, position[:, None]).squeeze(1), best

    @torch.no_grad()
    def generate(
        self,
        pixel_values: torch.Tensor,
        question_ids: torch.Tensor,
        question_mask: torch.Tensor,
        num_beams: int = NUM_BEAMS,
        max_length: int = MAX_ANSWER_TOKENS,
        min_length: int = 1,
    ) -> torch.Tensor:
        """Open-ended answers by beam search, as BLIP and `BlipForQuestionAnswering.generate` do (both let
        the decoder attend every question position, padding included)."""
        states = self.question_states(pixel_values, question_ids, question_mask)
        states_mask = torch.ones(states.shape[:-1], dtype=torch.long, device=states.device)
        text = self.config.text_config
        start = torch.full((states.shape[0], 1), text.bos_token_id, device=states.device)
        return self.text_decoder.generate(
            input_ids=start,
            eos_token_id=text.sep_token_id,
            pad_token_id=text.pad_token_id,
            encoder_hidden_states=states,
            encoder_attention_mask=states_mask,
            num_beams=num_beams,
            max_length=max_length,
            min_length=min_length,
        )
