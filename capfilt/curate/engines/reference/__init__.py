"""The reference engine: BLIP captioning and ITM scoring through transformers' public API, one batch per
call. The fast engine (`engines.fast`) subclasses it and is tested equal to it."""
