"""How big a bootstrapping run is: world size, model size, steps, seeds. One named preset per scale.

Every arm of the ablation trains with the same preset, batch size and number of steps (equal compute).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    # The demo world: web pairs to crawl, clean human pairs (fine-tuning), held-out test pairs.
    web: int
    human: int
    test: int
    # The world's images; ingest keeps this size and the models see it unless model_image_size says less.
    image_size: int
    # BLIP size (models.blip.presets) of every ablation arm, and the input resolution of every model.
    preset: str
    model_image_size: int
    vocab_size: int
    batch_size: int
    pretrain_steps: int  # step 2, and every arm of step 5
    lr: float  # the arms' pretraining
    # The bootstrapping model (step 2, fine-tuned into captioner and filter in step 3) may be larger than the
    # arms, as in the paper's Table 1, where a ViT-L captioner and filter curate data for ViT-B pretraining.
    bootstrap_preset: str
    bootstrap_lr: float  # its pretraining
    captioner_steps: int  # step 3
    filter_steps: int  # step 3
    finetune_lr: float
    warmup_steps: int
    seeds: int  # pretraining seeds per arm
    jobs: int  # training runs at once (one CPU thread each)
    capfilt_batch: int
    caption_eval_images: int  # test images captioned for caption accuracy (0: all)

    def as_dict(self) -> dict:
        return asdict(self)


SCALES = {
    # CI: checks that every step wires to the next; the figures mean nothing.
    "smoke": Scale(
        name="smoke", web=40, human=12, test=12, image_size=64, preset="tiny", model_image_size=32,
        vocab_size=200, batch_size=8, pretrain_steps=3, lr=5e-4, bootstrap_preset="tiny", bootstrap_lr=5e-4,
        captioner_steps=2, filter_steps=2, finetune_lr=1e-4,
        warmup_steps=1, seeds=1, jobs=2, capfilt_batch=16, caption_eval_images=8,
    ),
    # At most 30 minutes on a 2-core CPU.
    "small": Scale(
        name="small", web=2000, human=500, test=200, image_size=64, preset="tiny", model_image_size=64,
        vocab_size=600, batch_size=32, pretrain_steps=1200, lr=5e-4,
        bootstrap_preset="small", bootstrap_lr=1e-3, captioner_steps=6000, filter_steps=3000,
        finetune_lr=1e-3,
        warmup_steps=50, seeds=3, jobs=2, capfilt_batch=32, caption_eval_images=100,
    ),
    # The shipped demo models' size; hours on a 2-core CPU, minutes on a GPU.
    "medium": Scale(
        name="medium", web=10000, human=2000, test=300, image_size=64, preset="demo", model_image_size=64,
        vocab_size=600, batch_size=32, pretrain_steps=3000, lr=5e-4,
        bootstrap_preset="demo", bootstrap_lr=1e-3, captioner_steps=5000, filter_steps=2000, finetune_lr=5e-4,
        warmup_steps=100, seeds=3, jobs=2, capfilt_batch=32, caption_eval_images=300,
    ),
}  # fmt: skip
