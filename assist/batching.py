"""Questions that arrive together are embedded together.

Under concurrent requests the query embedding is most of a question's CPU, and a forward pass
over eight short questions costs little more than over one. A single thread collects the
questions that arrive within a few milliseconds of each other and embeds them in one batch;
each caller waits only for its own vector.
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
            try:
                vectors = self.embed_many([question for question, _ in batch])
            except Exception as exc:  # every waiting caller gets the failure, the thread lives on
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)

    def _collect(self) -> list[tuple[str, Future]]:
        batch = [self.pending.get()]
        deadline = time.monotonic() + self.wait
        while len(batch) < self.max_batch and (left := deadline - time.monotonic()) > 0:
            try:
                batch.append(self.pending.get(timeout=left))
            except queue.Empty:
                break
        return batch
