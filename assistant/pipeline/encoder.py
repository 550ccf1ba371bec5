"""The sentence encoder on ONNX Runtime: the model exported once, offline, into a cache checked against its weights.

The model an index uses (the shipped qa-minilm-l6, assembled by :mod:`assistant.pipeline.qa_model`, or any
sentence-transformers model or path) is exported with plain ``torch.onnx.export`` with its pooling and the L2
normalisation inside the graph, so that the graph's output is exactly what ``SentenceTransformer.encode(...,
normalize_embeddings=True)`` returns (measured: cosine ≥ 0.99999 to torch, ``tests/test_onnx.py``; docs/speed.md).
The tokenizer is the model's own ``tokenizer.json`` run by the ``tokenizers`` library with the model's
``max_seq_length`` as its truncation length, as sentence-transformers runs it; so encoding needs neither torch nor
transformers once the graph exists.

The cache (:func:`cache_root`: ``ASSISTANT_ONNX_CACHE``, else ``$XDG_CACHE_HOME/article-assistant/onnx``, else
``~/.cache/article-assistant/onnx``) holds one folder per model and source weights: ``model.onnx``, the tokenizer,
and ``source.json`` with the sha256 of the source weights and of the ``.onnx``. A changed model has other source
weights, so it gets a new folder (it is re-exported); a ``.onnx`` whose sha256 is not the recorded one is refused
with one line that says which folder to delete, rather than silently overwritten: a file that changed by itself in a
cache means a disk or a person touched it, and the user should know (an interrupted export never leaves a folder:
it is written under a temporary name and renamed when complete). A fresh clone (CI) has no cache: the first
encode exports (about 10 s) and every later process loads.

Precision (:data:`PRECISIONS`): a dynamic int8 quantisation of the graph is made once beside it (:func:`int8_graph`)
and checked the same way. The questions of the models in :data:`QUESTION_INT8_MODELS` are encoded with it against an
fp32 index (:func:`question_precision`); the stored vectors of the models in :data:`BULK_INT8_MODELS` would be too
(:func:`bulk_precision`), but no model is there: the shipped one failed the quality gate (see there). An index or
analysed form records its precision, and an int8 one (made by a version or a tool that encodes int8) gets int8
questions. Texts are encoded one at a time on ONNX Runtime (:meth:`OnnxEncoder.encode_alone`), fp32 and int8: a
vector depends only on its own text, never on the texts (or the padding) beside it, which dynamic int8 needs (it
takes its activation scale from the whole input tensor), so a Ray run, a local run, ``ask`` and ``ask_many`` give
the same vectors bit for bit. The torch runtime makes fp32 only.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from . import qa_model
from ..digest import sha256_file
from ..errors import AssistantError, printable

FP32, INT8 = "fp32", "int8"
PRECISIONS = (FP32, INT8)
"""The precisions stored vectors are encoded at: fp32 (the graph as exported, equal to torch's vectors) or int8 (its
dynamic int8 quantisation, per channel, on ONNX Runtime only). An index manifest and an analysed form record theirs
(``encoder_precision``); one made before they were recorded is fp32 (:data:`OLD_PRECISION`)."""
OLD_PRECISION = FP32
"""The precision of an index manifest or analysed form that records none: everything before int8 was fp32."""


def check_precision(precision: str) -> None:
    """A precision asked for by a caller must be one of :data:`PRECISIONS` (an AssistantError in one line)."""
    if precision not in PRECISIONS:
        raise AssistantError(f"encoder precision {str(precision)[:20]!r} is not one of {', '.join(PRECISIONS)}.")
QUESTION_INT8_MODELS = frozenset({qa_model.NAME})
"""Models whose questions are encoded in int8 on ONNX Runtime against an fp32 index: measured with
``scripts/quantisation_eval.py`` on ReQA SQuAD dev through the whole product, MRR@20 0.8826 against 0.8824 with fp32
questions and the seed article's ranks unchanged (the gate of issue 20: MRR within 0.003, ranks unchanged), at a
quarter of the fp32 encode time (docs/speed.md, quantisation). Other models are not measured, so they stay fp32."""
BULK_INT8_MODELS: frozenset[str] = frozenset()
"""Models whose stored vectors (the bulk analysis) are encoded in int8 on ONNX Runtime: none. The shipped model,
encoded one text at a time (as int8 must be, above), kept ReQA SQuAD dev MRR@20 (0.883 against 0.882) but moved one
seed question's gold sentence from rank 2 to rank 3, with int8 and with fp32 questions: the gate of issue 20 asks
for unchanged ranks, so the bulk stays fp32 (docs/speed.md, quantisation). A model added here must pass that gate first; everything else (the
precision in the analysed form and the manifest, refusing a mix, questions for an int8 index) is in place."""
INT8_FILE = "model.int8.onnx"
CACHE_ENV = "ASSISTANT_ONNX_CACHE"
FORMAT = 1
"""Version of the cache folder's layout and export recipe; a different one is exported again."""
OPSET = 17
"""ONNX opset of the export (supported by the installed onnxruntime; LayerNormalization is native from 17)."""
SOURCE_FILE = "source.json"
GRAPH_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
SOURCE_PATTERNS = ("*.safetensors", "*.bin", "config.json", "modules.json", "sentence_bert_config.json",
                   "1_Pooling/config.json", "tokenizer.json", "layers.safetensors", "model.json")
"""Files of a model folder whose bytes decide the exported graph and its tokenizer (weights, module list, pooling,
truncation length, vocabulary); their sha256 together is the source the cache is checked against."""
POOLING = ("mean", "cls", "max")

_LOCK = threading.Lock()


def cache_root() -> Path:
    """Where exported graphs are kept (see the module docstring)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "article-assistant" / "onnx"


def source_dirs(path: Path) -> list[Path]:
    """The folders whose files make the model: the shipped patch folder is its base model plus its layers."""
    if qa_model.is_patch_dir(path):
        return [qa_model.stock_dir(), path]
    return [path]


def source_sha256(path: Path) -> str:
    """One sha256 over the name and sha256 of every file (SOURCE_PATTERNS) of the model's folders."""
    digest = hashlib.sha256()
    for n, folder in enumerate(source_dirs(path)):
        files = sorted({f for pattern in SOURCE_PATTERNS for f in folder.glob(pattern) if f.is_file()})
        for f in files:
            digest.update(f"{n}/{f.relative_to(folder).as_posix()}:{sha256_file(f)}\n".encode())
    return digest.hexdigest()


def _slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model.strip("/"))[-60:] or "model"


@dataclass(frozen=True)
class Exported:
    """A checked cache folder: the graph, its tokenizer and what it was made from."""

    folder: Path
    info: dict[str, Any]

    @property
    def graph(self) -> Path:
        return self.folder / GRAPH_FILE


def bulk_precision(model: str, runtime: str) -> str:
    """The precision a new index or analysed form of ``model`` is encoded at: int8 for the models of
    :data:`BULK_INT8_MODELS` on ONNX, else fp32 (the torch runtime makes fp32 only: an index it builds is fp32)."""
    return INT8 if runtime == "onnx" and model in BULK_INT8_MODELS else FP32


def question_precision(model: str, runtime: str, index_precision: str = OLD_PRECISION) -> str:
    """How a question is encoded against an index of ``index_precision``: an int8 index gets int8 questions whatever
    the runtime (its vectors came from the int8 graph, so its questions do too: ONNX Runtime, also when the setting
    is torch); an fp32 index gets int8 questions for the models of :data:`QUESTION_INT8_MODELS` on ONNX, else fp32."""
    if index_precision == INT8:
        return INT8
    return INT8 if runtime == "onnx" and model in QUESTION_INT8_MODELS else FP32


def runtime_of(precision: str, runtime: str) -> str:
    """The runtime that encodes at ``precision`` when the setting is ``runtime``: int8 exists on ONNX Runtime only."""
    return "onnx" if precision == INT8 else runtime


def int8_graph(model: str, done: Exported) -> Path:
    """The dynamic int8 (per channel) quantisation of the export, made once beside it and checked like it."""
    try:
        return _int8_graph(model, done)
    except OSError as exc:
        raise AssistantError(
            f"cannot write the int8 graph beside the ONNX export at {printable(done.folder)}: {exc.strerror}; "
            f"set {CACHE_ENV} to a writable folder."
        ) from None


def _int8_graph(model: str, done: Exported) -> Path:
    path = done.folder / INT8_FILE
    with _LOCK, _export_lock(done.folder):
        info = json.loads((done.folder / SOURCE_FILE).read_text(encoding="utf-8"))
        if "int8_sha256" not in info:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            tmp = done.folder / f".{INT8_FILE}.tmp-{os.getpid()}"
            root, level = logging.getLogger(), logging.getLogger().level
            try:
                root.setLevel(logging.ERROR)  # its note "consider pre-processing": the measured recipe has none
                quantize_dynamic(str(done.graph), str(tmp), per_channel=True, weight_type=QuantType.QInt8)
                os.replace(tmp, path)
            finally:
                root.setLevel(level)
                tmp.unlink(missing_ok=True)
            info["int8_sha256"] = sha256_file(path)
            _write_json(done.folder / SOURCE_FILE, info)
        elif not path.is_file() or sha256_file(path) != info["int8_sha256"]:
            raise AssistantError(
                f"the ONNX export of model {printable(model, 100)} at {printable(done.folder)} is damaged "
                f"({INT8_FILE} is not the file that was quantised); delete that folder and it is exported again."
            )
    return path


def _write_json(path: Path, value: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(value, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def exported(model: str, path: Path) -> Exported:
    """The cache folder of ``model`` (loaded from ``path``), exported now if there is none; damaged: refused."""
    source = source_sha256(path)
    folder = cache_root() / f"{_slug(model)}-{source[:16]}"
    with _LOCK:
        if not (folder / SOURCE_FILE).is_file():
            with _export_lock(folder):  # another process (a Ray worker) exporting the same model: wait for it
                if not (folder / SOURCE_FILE).is_file():
                    _export(path, folder, source)
        return _checked(model, folder, source)


@contextmanager
def _export_lock(folder: Path) -> Iterator[None]:
    folder.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder.parent / f".{folder.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _checked(model: str, folder: Path, source: str) -> Exported:
    def damaged(what: str) -> AssistantError:
        return AssistantError(
            f"the ONNX export of model {printable(model, 100)} at {printable(folder)} {what}; "
            f"delete that folder and it is exported again."
        )

    try:
        info = json.loads((folder / SOURCE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise damaged(f"has an unreadable {SOURCE_FILE}") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT or info.get("source_sha256") != source:
        raise damaged(f"has a {SOURCE_FILE} that does not describe these weights")
    for name, key in ((GRAPH_FILE, "onnx_sha256"), (TOKENIZER_FILE, "tokenizer_sha256")):
        try:
            actual = sha256_file(folder / name)
        except OSError:
            raise damaged(f"has no readable {name}") from None
        if actual != info.get(key):
            raise damaged(f"is damaged ({name} is not the file that was exported)")
    return Exported(folder, info)


def _load_torch_model(path: Path) -> Any:
    from sentence_transformers import SentenceTransformer

    if qa_model.is_patch_dir(path):
        return qa_model.load_patched(path)
    return SentenceTransformer(str(path), device="cpu")


def _structure(model: Any) -> tuple[Any, str]:
    """The transformer module and pooling mode of a [Transformer, Pooling, (Normalize)] model; anything else refused."""
    modules = list(model)
    names = [type(m).__name__ for m in modules]
    if len(modules) not in (2, 3) or names[0] != "Transformer" or names[1] != "Pooling" or names[2:] not in ([], ["Normalize"]):
        raise AssistantError(
            f"the ONNX runtime exports models made of Transformer, Pooling (and Normalize), not {' + '.join(names)}; "
            f"use --encoder torch for this model."
        )
    pooling = modules[1]
    mode = getattr(pooling, "pooling_mode", None) or next(
        (m for m in POOLING if getattr(pooling, f"pooling_mode_{m}_tokens", False) or getattr(pooling, f"pooling_mode_{m}_token", False)), None
    )
    mode = {"mean_tokens": "mean", "cls_token": "cls", "max_tokens": "max"}.get(str(mode), str(mode))
    if mode not in POOLING:
        raise AssistantError(f"the ONNX runtime exports mean, cls or max pooling, not {mode!r}; use --encoder torch for this model.")
    return modules[0], mode


def _export(path: Path, folder: Path, source: str) -> None:
    """Export the model at ``path`` into ``folder`` (written under a temporary name, renamed when complete)."""
    import torch

    model = _load_torch_model(path)
    transformer, mode = _structure(model)
    auto = transformer.auto_model
    tokenizer = transformer.tokenizer
    inputs = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokenizer.model_input_names]

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.auto = auto

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            named = dict(zip(inputs, tensors))
            hidden = self.auto(**named).last_hidden_state
            mask = named["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            if mode == "mean":
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            elif mode == "cls":
                pooled = hidden[:, 0]
            else:
                pooled = (hidden + (mask - 1.0) * 1e9).max(1).values
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    if hasattr(auto, "set_attn_implementation"):
        auto.set_attn_implementation("eager")  # the tracing exporter records eager attention as plain ops
    auto.eval()
    sample = tokenizer(["an example sentence to trace", "and another"], padding=True, return_tensors="pt")
    args = tuple(sample[n] for n in inputs)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it fixes: the graph is checked by the tests
            torch.onnx.export(
                Pooled(), args, str(tmp / GRAPH_FILE), input_names=inputs, output_names=["sentence_embedding"],
                dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in inputs}, "sentence_embedding": {0: "batch"}},
                opset_version=OPSET, dynamo=False,
            )
        tokenizer.backend_tokenizer.save(str(tmp / TOKENIZER_FILE))
        info = {
            "format": FORMAT,
            "source": str(path),
            "source_sha256": source,
            "onnx_sha256": sha256_file(tmp / GRAPH_FILE),
            "tokenizer_sha256": sha256_file(tmp / TOKENIZER_FILE),
            "inputs": inputs,
            "pooling": mode,
            "normalised": True,
            "max_seq_length": int(model.max_seq_length),
            "dimension": int(model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension") else model.get_sentence_embedding_dimension()),
            "precision": FP32,
            "opset": OPSET,
            "torch": torch.__version__,
        }
        _write_json(tmp / SOURCE_FILE, info)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    except OSError as exc:
        raise AssistantError(f"cannot write the ONNX export to {printable(folder.parent)}: {exc.strerror}; set {CACHE_ENV} to a writable folder.") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class OnnxEncoder:
    """Tokenizer plus an ONNX Runtime session per thread count; ``encode`` returns L2-normalised float32 rows."""

    def __init__(self, exported_model: Exported) -> None:
        from tokenizers import Tokenizer

        self.exported = exported_model
        self.graph = exported_model.graph
        self.inputs: list[str] = list(exported_model.info["inputs"])
        self.dimension = int(exported_model.info["dimension"])
        self.tokenizer = Tokenizer.from_file(str(exported_model.folder / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(max_length=int(exported_model.info["max_seq_length"]))
        self.tokenizer.no_padding()
        self._sessions: dict[tuple[int, str], Any] = {}
        self._int8: Path | None = None
        self._lock = threading.Lock()

    def session(self, threads: int, graph: Path | None = None) -> Any:
        key = (threads, str(graph or self.graph))
        with self._lock:
            if key not in self._sessions:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                self._sessions[key] = ort.InferenceSession(
                    key[1], sess_options=options, providers=["CPUExecutionProvider"]
                )
            return self._sessions[key]

    def int8(self, model: str) -> Path:
        """The int8 graph of the model (checked once per process, made the first time)."""
        if self._int8 is None:
            self._int8 = int8_graph(model, self.exported)
        return self._int8

    def features(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Token ids padded to the longest text of the batch, as sentence-transformers makes them."""
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        out = {n: np.zeros((len(texts), width), dtype=np.int64) for n in self.inputs}
        pad = self.tokenizer.token_to_id("[PAD]") or 0
        if "input_ids" in out:
            out["input_ids"][:] = pad
        for row, e in enumerate(encodings):
            n = len(e.ids)
            if "input_ids" in out:
                out["input_ids"][row, :n] = e.ids
            if "attention_mask" in out:
                out["attention_mask"][row, :n] = e.attention_mask
            if "token_type_ids" in out:
                out["token_type_ids"][row, :n] = e.type_ids
        return out

    def encode(self, texts: list[str], batch_size: int, threads: int, graph: Path | None = None) -> np.ndarray:
        """Texts sorted by length into batches (less padding, as sentence-transformers does), rows in input order;
        ``graph``: another graph of the same model (its int8 quantisation). The product encodes one text at a time
        (``encode_alone``); this batched form is kept for the measurements that compare the two (tests/test_onnx.py,
        tests/test_precision.py, scripts/quantisation_eval.py)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session = self.session(threads, graph)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for begin in range(0, len(texts), batch_size):
            rows = order[begin : begin + batch_size]
            (vectors,) = session.run(None, self.features([texts[i] for i in rows]))
            out[rows] = vectors
        return out


    def encode_alone(self, texts: list[str], threads: int, graph: Path | None = None) -> np.ndarray:
        """Every text on its own (a batch of one: no padding, no neighbour), ``threads`` texts at a time on one
        session of one intra-op thread, rows in input order. A text's vector is then the same bit for bit whatever
        the texts beside it and the thread count, which dynamic int8 needs (its activation scale is taken from the
        whole input tensor; tests/test_precision.py), and it is faster on this machine's 2 cores than batches, fp32
        too: ``assistant analyse`` of the 5,225 ReQA SQuAD dev sentences encoded them in 22.8 s this way against
        71.8 s in length-sorted batches of 64 on 2 intra-op threads, same load (docs/speed.md). fp32 rows equal the
        batched ones within 1e-7."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        session = self.session(1, graph)

        def one(row: int) -> None:
            (vector,) = session.run(None, self.features([texts[row]]))
            out[row] = vector[0]

        if threads <= 1 or len(texts) == 1:
            for row in range(len(texts)):
                one(row)
        else:  # ONNX Runtime releases the GIL while it runs, so the texts run side by side on the cores
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(threads, len(texts))) as pool:
                list(pool.map(one, range(len(texts))))
        return out


@lru_cache(maxsize=4)
def load(model: str, path: str) -> OnnxEncoder:
    """The ONNX encoder of ``model`` (exported on first use); any failure is one line."""
    try:
        return OnnxEncoder(exported(model, Path(path)))
    except AssistantError:
        raise
    except Exception as exc:  # noqa: BLE001 - a model the exporter cannot handle is the user's model setting
        raise AssistantError(
            f"cannot export embedding model {printable(model, 100)} to ONNX ({type(exc).__name__}); use --encoder torch."
        ) from None
