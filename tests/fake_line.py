"""A fake of LINE's Messaging API servers for tests: a real HTTP server on 127.0.0.1 that answers the
paths line-bot-sdk calls, records every request, and can be told to fail. It stands in for LINE at
the one seam the project has (LINE_API_BASE_URL); nothing of the project is mocked."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0
    # When the request arrived (time.perf_counter of this process), for latency benchmarks.
    at: float = field(default_factory=time.perf_counter)


@dataclass
class FakeLine:
    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    # Programmed answers for a path, used first-in first-out: (status, json body).
    scripted: dict[str, deque[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    retry_keys: set[str] = field(default_factory=set)
    used_reply_tokens: set[str] = field(default_factory=set)
    delay_seconds: float = 0.0
    delays: dict[str, deque[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, path: str, status: int, times: int = 1, body: dict[str, Any] | None = None) -> None:
        queue = self.scripted.setdefault(path, deque())
        for _ in range(times):
            queue.append((status, body or {"message": f"scripted {status}"}))

    def delay_next(self, path: str, seconds: float) -> None:
        self.delays.setdefault(path, deque()).append(seconds)

    def calls(self, path: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def delivered(self) -> list[dict[str, Any]]:
        """Messages LINE would have shown (accepted replies and pushes), in order."""
        with self.lock:
            return [
                m
                for r in self.requests
                if r.status == 200 and r.path in ("/v2/bot/message/reply", "/v2/bot/message/push")
                for m in r.body["messages"]
            ]

    def delivered_texts(self) -> list[str]:
        return [m.get("text", "") for m in self.delivered()]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return bool(predicate())


def _handler(fake: FakeLine) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
            data = json.dumps(body or {}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the caller went away (a killed worker); LINE would not notice either

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw and "json" in (self.headers.get("Content-Type") or "") else raw
            except ValueError:
                body = raw
            path = self.path.split("?")[0]
            record = Recorded(self.command, path, dict(self.headers.items()), body)
            with fake.lock:
                fake.requests.append(record)
                delays = fake.delays.get(path)
                delay = delays.popleft() if delays else fake.delay_seconds
            # LINE has the request from here on, even if the caller gives up waiting for the answer.
            if delay:
                time.sleep(delay)
            with fake.lock:
                scripted = fake.scripted.get(path)
                planned = scripted.popleft() if scripted else None
            if planned is not None:
                record.status = planned[0]
                self._answer(*planned)
                return
            if self.headers.get("Authorization", "") == "Bearer ":
                record.status = 401
                self._answer(401, {"message": "Authentication failed"})
                return
            status, answer = self._route(path, body)
            record.status = status
            self._answer(status, answer)

        def _route(self, path: str, body: Any) -> tuple[int, dict[str, Any]]:
            if path == "/v2/bot/message/reply":
                token = body.get("replyToken", "")
                with fake.lock:
                    if token in fake.used_reply_tokens or token.startswith("expired"):
                        return 400, {"message": "Invalid reply token"}
                    fake.used_reply_tokens.add(token)
                return 200, {"sentMessages": [{"id": "1"}]}
            if path == "/v2/bot/message/push":
                key = self.headers.get("X-Line-Retry-Key")
                if key:
                    with fake.lock:
                        if key in fake.retry_keys:
                            return 409, {"message": "The retry key is already accepted"}
                        fake.retry_keys.add(key)
                return 200, {"sentMessages": [{"id": "2"}]}
            if path == "/v2/bot/chat/loading/start":
                return 202, {}
            if path.startswith("/v2/bot/profile/"):
                return 200, {"userId": path.rsplit("/", 1)[1], "displayName": "ทดสอบ"}
            return 404, {"message": "Not found"}

        do_POST = _handle
        do_GET = _handle

    return Handler


def start_fake_line() -> FakeLine:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    fake = FakeLine(server=server)
    server.RequestHandlerClass = _handler(fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake
