"""Questions that arrive together are embedded together.

Under concurrent requests the query embedding is most of a question's CPU, and a forward pass
over eight short questions costs little more than over one. A single thread collects the
questions that arrive within a few milliseconds of each other and embeds them in one batch;
each caller waits only for its own vector. A batch that fails is embedded again one question at a
time, so a question the model cannot take fails alone and the others still get their vectors.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

Vector = list[float]


class QueryBatcher:
    def __init__(self, embed_many: Callable[[list[str]], list[Vector]], max_batch: int = 16, wait_ms: float = 3.0):
        self.embed_many, self.max_batch, self.wait = embed_many, max_batch, wait_ms / 1000
        self.pending: queue.Queue[tuple[str, Future]] = queue.Queue()
        threading.Thread(target=self._serve, name="query-batcher", daemon=True).start()

    def __call__(self, question: str) -> Vector:
        future: Future = Future()
        self.pending.put((question, future))
        return future.result()

    def _serve(self) -> None:
        while True:
            batch = self._collect()
            if not self._embed(batch) and len(batch) > 1:
                for one in batch:
                    self._embed([one])

    def _embed(self, batch: list[tuple[str, Future]]) -> bool:
        """Give each caller of `batch` its vector; on failure, a lone caller gets the error (the thread
        lives on) and False is returned."""
        try:
            vectors = self.embed_many([question for question, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
            return False
        for (_, future), vector in zip(batch, vectors, strict=True):
            future.set_result(vector)
        return True

    def _collect(self) -> list[tuple[str, Future]]:
        batch = [self.pending.get()]
        deadline = time.monotonic() + self.wait
        while len(batch) < self.max_batch and (left := deadline - time.monotonic()) > 0:
            try:
                batch.append(self.pending.get(timeout=left))
            except queue.Empty:
                break
        return batch
