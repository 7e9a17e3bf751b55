"""Rebuild sa_0_4_vit_l_14_linear.safetensors from LAION's .pth: the docs' conversion, run once by a
maintainer (torch.load with weights_only=True reads tensors only; the tests never open a pickle).

    python tests/data/real/heads/make_derived.py PATH/TO/sa_0_4_vit_l_14_linear.pth
"""

import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

state = torch.load(sys.argv[1], map_location="cpu", weights_only=True)
target = Path(__file__).parent / "sa_0_4_vit_l_14_linear.safetensors"
save_file({name: tensor.contiguous() for name, tensor in state.items()}, str(target), {"score_range": "0,10"})
