"""CapFilt's inference engine: BLIP captioning and ITM scoring that encode each image once.

What it shares, per image: the vision encoder's output; every decoder/encoder layer's cross-attention keys
and values over the image tokens (all N sampled captions and all scored texts of an image attend to one
copy); the prompt's prefill. See docs/engine.md for how and why, and for the equivalence guarantees.

The modules below work on the weights of transformers' own BLIP models (loaded with `from_pretrained`);
`captioner.FastCaptioner` and `filter.FastFilter` adapt them to the pipeline's Captioner / Filter interface.
"""
