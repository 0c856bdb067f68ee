"""A real OpenAI-compatible chat server on loopback that records prompts and replies from a script.

    with FakeLlm(["The refund is computed in cents [1]."]) as llm:
        settings = Settings(llm_api_base=llm.url, llm_model="scripted")
        ...
        llm.requests[0]["messages"]

Each request takes the next scripted reply; a reply given as a number of seconds makes the
server wait that long first (to test timeouts).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLlm:
    def __init__(self, replies: list[str | float]):
        self.replies = list(replies)
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def __enter__(self) -> FakeLlm:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                reply = fake.replies.pop(0) if fake.replies else "No script left [1]."
                if isinstance(reply, (int, float)):
                    time.sleep(reply)
                    reply = "Too late [1]."
                payload = json.dumps({
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body.get("model", ""),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": reply}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except BrokenPipeError:
                    pass  # the client gave up waiting, as a timeout test means it to

            def log_message(self, *args):
                pass

        return Handler
