"""The ONNX Runtime embedding backend: sentence-transformers' vectors, exported once, offline.

The export runs once for this module, in a subprocess whose network is unusable and whose
hub cache starts empty: a download attempt would fail the export, and a downloaded file would
be left in that cache. The vectors are compared with the torch model the default backend runs.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from handoff.core.errors import WorkspaceError
from handoff.core.settings import Settings
from handoff.index.embedding import (
    OpenAICompatibleEmbedding,
    embedder,
    local_embedder,
    model_id,
    model_path,
    query_embeddings,
)
from handoff.index.onnx_embedding import OnnxEmbedding, length_batches, mean_pooled, require_mean_pooling

MODEL = "all-MiniLM-L6-v2"
TEXTS = [
    "refund",
    "where is the refund amount for a partially returned order line worked out?",
    "  spaces around, ünïcödé, “quotes” and an emoji 🚚  ",
    "def add_item(self, sku: str, quantity: int = 1) -> None:\n    self.lines[sku] += quantity\n" * 4,
    "# 3. Retry webhooks\n\n## Status\n\nAccepted\n\n## Context\n\n" + "Stripe retries for three days. " * 90,
]
EXPORT = """
import sys
from pathlib import Path
from handoff.index.embedding import model_path
from handoff.index.onnx_embedding import exported_model
for quantized in (False, True):
    print(exported_model(model_path(sys.argv[1]), Path(sys.argv[2]), quantized))
"""
REUSE = """
import sys
from pathlib import Path
from handoff.index.embedding import model_path
from handoff.index.onnx_embedding import OnnxEmbedding
OnnxEmbedding(model_path(sys.argv[1]), Path(sys.argv[2]), quantized=True).get_text_embedding("refund")
print("torch" in sys.modules)
"""


def offline_python(code: str, *args: str, hub: Path) -> str:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(hub), "HTTPS_PROXY": "http://127.0.0.1:9",
           "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, capture_output=True,
                          text=True, timeout=540).stdout


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hub")


@pytest.fixture(scope="module")
def exports(tmp_path_factory, hub) -> list[Path]:
    """The fp32 and int8 files, exported offline into a fresh cache folder."""
    cache = tmp_path_factory.mktemp("onnx")
    return [Path(line) for line in offline_python(EXPORT, MODEL, str(cache), hub=hub).split()]


@pytest.fixture(scope="module")
def torch_model():
    return local_embedder(MODEL)


def onnx_model(exports: list[Path], quantized: bool) -> OnnxEmbedding:
    return OnnxEmbedding(model_path(MODEL), exports[0].parent, quantized=quantized, embed_batch_size=4)


def cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    a, b = np.array(a), np.array(b)
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.slow
def test_the_export_downloads_nothing(exports, hub):
    assert [p.name.rsplit("-", 1)[1] for p in exports] == ["fp32.onnx", "int8.onnx"]
    assert all(p.stat().st_size > 10_000_000 for p in exports)
    assert not any(hub.rglob("*")), f"files appeared in the hub cache: {list(hub.rglob('*'))}"


@pytest.mark.slow
def test_fp32_vectors_equal_the_torch_model(exports, torch_model):
    model = onnx_model(exports, quantized=False)
    vectors = model.get_text_embedding_batch(TEXTS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert cosines(vectors, torch_model.get_text_embedding_batch(TEXTS)).min() >= 0.9999
    query = TEXTS[1]
    assert cosines([model.get_query_embedding(query)], [torch_model.get_query_embedding(query)]).min() >= 0.9999


@pytest.mark.slow
def test_int8_vectors_stay_close(exports, torch_model):
    model = onnx_model(exports, quantized=True)
    assert cosines(model.get_text_embedding_batch(TEXTS), torch_model.get_text_embedding_batch(TEXTS)).min() >= 0.97


@pytest.mark.slow
def test_padding_in_a_batch_changes_no_vector(exports):
    model = onnx_model(exports, quantized=False)
    alone = [model.get_text_embedding(text) for text in TEXTS]
    assert cosines(model.get_text_embedding_batch(TEXTS), alone).min() >= 0.99999


@pytest.mark.slow
def test_a_second_construction_reuses_the_export_without_torch(exports, hub):
    before = {p: p.stat().st_mtime_ns for p in exports[0].parent.iterdir()}
    torch_imported = offline_python(REUSE, MODEL, str(exports[0].parent), hub=hub).strip()
    assert torch_imported == "False"
    assert {p: p.stat().st_mtime_ns for p in exports[0].parent.iterdir()} == before


@pytest.mark.slow
def test_the_settings_choose_the_backend_and_only_int8_changes_the_model_id(exports, torch_model):
    settings = {backend: Settings(embed_backend=backend, embed_onnx_dir=str(exports[0].parent))
                for backend in ("torch", "onnx", "onnx-int8")}
    model = embedder(settings["onnx"])
    assert isinstance(model, OnnxEmbedding) and not model.quantized
    assert cosines(model.get_text_embedding_batch(TEXTS), torch_model.get_text_embedding_batch(TEXTS)).min() >= 0.9999
    queries = TEXTS[:3]
    torch_queries = [torch_model.get_query_embedding(q) for q in queries]
    assert cosines(query_embeddings(model, queries), torch_queries).min() >= 0.9999
    assert embedder(settings["onnx-int8"]).quantized
    assert model_id(settings["onnx"]) == model_id(settings["torch"]) != model_id(settings["onnx-int8"])


def test_an_embeddings_endpoint_wins_over_the_backend():
    settings = Settings(embed_backend="onnx-int8", embed_api_base="http://127.0.0.1:9/v1")
    assert isinstance(embedder(settings), OpenAICompatibleEmbedding)
    assert model_id(settings) == "openai:http://127.0.0.1:9/v1:all-MiniLM-L6-v2"


def test_exports_are_cached_in_the_user_cache_unless_a_folder_is_set(tmp_path):
    assert Settings().onnx_cache({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "handoff" / "onnx"
    assert Settings(embed_onnx_dir=str(tmp_path)).onnx_cache({}) == tmp_path
    with pytest.raises(ValidationError, match="absolute"):
        Settings(embed_onnx_dir="relative/onnx")


def test_length_batches_sort_and_respect_both_limits():
    lengths = [5, 300, 1, 3, 256, 256, 2]
    batches = length_batches(lengths, size=3, budget=600)
    assert [i for batch in batches for i in batch] == sorted(range(len(lengths)), key=lengths.__getitem__)
    assert all(len(batch) <= 3 and len(batch) * max(lengths[i] for i in batch) <= 600 for batch in batches)
    assert length_batches([900], size=3, budget=600) == [[0]]
    assert length_batches([], size=3, budget=600) == []


def test_mean_pooling_ignores_padding_and_normalises():
    tokens = np.array([[[0.0, 0.0], [6.0, 8.0], [99.0, 99.0]]])
    pooled = mean_pooled(tokens, np.array([[1, 1, 0]]))
    assert np.allclose(pooled, [[0.6, 0.8]])


def test_a_model_that_does_not_mean_pool_is_refused(tmp_path):
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "modules.json").write_text(json.dumps([{"type": "sentence_transformers.models.Pooling",
                                                        "path": "1_Pooling"}]))
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    with pytest.raises(WorkspaceError, match="mean-pooling"):
        require_mean_pooling(tmp_path)
