"""The local embedding model on ONNX Runtime: sentence-transformers' vectors, without torch at run time.

Embedding is the slowest stage of an ingest. Exported to ONNX and fused for BERT by ONNX
Runtime's optimizer, the same model gives the same vectors (cosine >= 0.9999 against
sentence-transformers) in less time, and dynamic int8 quantisation cuts the time again for a
small loss (cosine about 0.99). Torch and transformers are imported for the export only, once.

    OnnxEmbedding(model_dir, cache_dir, quantized=False)   a LlamaIndex `BaseEmbedding`
    exported_model(model_dir, cache_dir, quantized)         the cached ONNX file, exported on first use

A text becomes a vector the way sentence-transformers makes it: the model's fast tokenizer,
truncating at the model's `max_seq_length`; token embeddings mean-pooled over the attention
mask; L2 normalisation. Texts are sorted by token count and each batch is padded only to its
longest text, so short chunks do not pay for long ones.

Exports are named after a fingerprint of the model folder and of the export recipe, so a
changed model or recipe exports anew, and each file is written aside and renamed into place,
so a killed export never leaves a file that looks finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from handoff.core.errors import WorkspaceError
from handoff.core.files import write_aside

RECIPE = "bert-fused-opset17-v1"  # part of the fingerprint: change it when the export steps change
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "token_embeddings"
OPSET = 17
MAX_BATCH_TOKENS = 4096  # rows x longest row per run: peak RSS 1.3 GB at 64 x 256 tokens, 0.4 GB at 16 x 256


class OnnxEmbedding(BaseEmbedding):
    """A mean-pooling sentence-transformers model folder, run by ONNX Runtime on the CPU."""

    quantized: bool = False
    max_length: int = 256
    _tokenizer = PrivateAttr()
    _session = PrivateAttr()

    def __init__(self, model_dir: Path, cache_dir: Path, quantized: bool = False, **kwargs):
        require_mean_pooling(model_dir)
        super().__init__(model_name=str(model_dir), quantized=quantized, max_length=max_seq_length(model_dir),
                         **kwargs)
        self._tokenizer = _tokenizer(model_dir, self.max_length)
        self._session = _session(exported_model(model_dir, cache_dir, quantized))

    @classmethod
    def class_name(cls) -> str:
        return "OnnxEmbedding"

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        encodings = self._tokenizer.encode_batch(texts)
        vectors: list[list[float]] = [[] for _ in texts]
        for rows in length_batches([len(e.ids) for e in encodings], self.embed_batch_size, MAX_BATCH_TOKENS):
            for row, vector in zip(rows, self._run([encodings[i] for i in rows]), strict=True):
                vectors[row] = vector.tolist()
        return vectors

    def _run(self, encodings: list) -> np.ndarray:
        inputs = padded(encodings)
        tokens = self._session.run([OUTPUT], inputs)[0]
        return mean_pooled(tokens, inputs["attention_mask"])

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embeddings([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def length_batches(lengths: list[int], size: int, budget: int) -> list[list[int]]:
    """Indexes shortest first, cut into batches of at most `size` rows and `budget` padded tokens.

    Sorting by length keeps padding small; the token budget keeps memory flat however long the
    texts are, and costs no speed (batches of 8 and 64 long texts embed at the same rate).
    """
    batches: list[list[int]] = [[]]
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        batch = batches[-1]
        if batch and (len(batch) == size or (len(batch) + 1) * lengths[index] > budget):
            batch = []
            batches.append(batch)
        batch.append(index)
    return [batch for batch in batches if batch]


def padded(encodings: list) -> dict[str, np.ndarray]:
    """The model's inputs for one batch, padded to its longest text; the mask keeps padding out of the result."""
    shape = (len(encodings), max(len(e.ids) for e in encodings))
    inputs = {name: np.zeros(shape, dtype=np.int64) for name in INPUTS}
    for row, encoding in enumerate(encodings):
        width = len(encoding.ids)
        inputs["input_ids"][row, :width] = encoding.ids
        inputs["attention_mask"][row, :width] = encoding.attention_mask
        inputs["token_type_ids"][row, :width] = encoding.type_ids
    return inputs


def mean_pooled(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean Pooling then Normalize, with the same clamps (1e-9 tokens, 1e-12 norm)."""
    weights = mask[..., None].astype(tokens.dtype)
    means = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return means / np.clip(np.linalg.norm(means, axis=1, keepdims=True), 1e-12, None)


def max_seq_length(model_dir: Path) -> int:
    """sentence-transformers truncates at the model's `max_seq_length` (256 here), not the tokenizer's 512."""
    config = _json(model_dir / "sentence_bert_config.json")
    return int(config["max_seq_length"])


def require_mean_pooling(model_dir: Path) -> None:
    """Refuse a model this class would embed differently from sentence-transformers."""
    modules = _json(model_dir / "modules.json")
    pooling = next((m for m in modules if m["type"].endswith(".Pooling")), None)
    if pooling is None or not _json(model_dir / pooling["path"] / "config.json").get("pooling_mode_mean_tokens"):
        raise WorkspaceError(f"{model_dir}: the ONNX backend runs mean-pooling models only; use embed_backend torch")


def exported_model(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    """The ONNX file of `model_dir` in `cache_dir`, fp32 or int8, exported the first time it is asked for."""
    fingerprint = _fingerprint(model_dir)
    fp32 = cache_dir / f"{fingerprint}-fp32.onnx"
    if not fp32.is_file():
        write_aside(fp32, lambda temp: _export(model_dir, temp), suffix=".onnx")
    if not quantized:
        return fp32
    int8 = cache_dir / f"{fingerprint}-int8.onnx"
    if not int8.is_file():
        write_aside(int8, lambda temp: _quantize(fp32, temp), suffix=".onnx")
    return int8


def _fingerprint(model_dir: Path) -> str:
    """Names, sizes and times of the model's files: cheap to compute on every start, unlike hashing 90 MB."""
    digest = hashlib.sha256(RECIPE.encode())
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(model_dir)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _export(model_dir: Path, target: Path) -> None:
    """Trace the transformer to ONNX, then fuse attention, GELU and layer norms for ONNX Runtime's CPU kernels."""
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_PROGRESS_BARS="1",
                      TRANSFORMERS_VERBOSITY="error")
    import torch
    from onnxruntime.transformers import optimizer
    from transformers import AutoModel

    # eager attention traces the mask as plain tensor arithmetic, the pattern ONNX Runtime's BERT fusion knows
    model = AutoModel.from_pretrained(model_dir, attn_implementation="eager", add_pooling_layer=False).eval()
    ids = torch.full((2, 8), 1000, dtype=torch.long)
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3])  # one padded row, so the mask is traced as data
    traced = target.with_name(target.stem + "-traced.onnx")
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, OUTPUT)}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes on shapes; the tests compare the vectors instead
            torch.onnx.export(_token_embeddings(model), (ids, mask, torch.zeros_like(ids)), str(traced),
                              dynamo=False, input_names=list(INPUTS), output_names=[OUTPUT], dynamic_axes=axes,
                              opset_version=OPSET)
        fused = optimizer.optimize_model(str(traced), model_type="bert", num_heads=model.config.num_attention_heads,
                                         hidden_size=model.config.hidden_size)
        fused.save_model_to_file(str(target))
    finally:
        traced.unlink(missing_ok=True)


def _token_embeddings(model):
    """The model as a module of positional tensors: the tracer passes inputs by position, transformers 5 wants names."""
    import torch

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    return TokenEmbeddings()


def _quantize(fp32: Path, target: Path) -> None:
    """Dynamic int8 weights with one scale per output channel: one scale per tensor drops cosine to about 0.94."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    shaped = target.with_name(target.stem + "-shaped.onnx")
    try:
        quant_pre_process(str(fp32), str(shaped), skip_optimization=True)  # shapes of the fused ops; already fused
        quantize_dynamic(shaped, target, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        shaped.unlink(missing_ok=True)


def _tokenizer(model_dir: Path, max_length: int):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length)
    tokenizer.no_padding()
    return tokenizer


def _session(path: Path):
    """One intra-op thread per core we may run on; no spinning, which burns cores other work needs between ops."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = _cores()
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkspaceError(f"{path}: cannot read the model's configuration ({exc})") from None
