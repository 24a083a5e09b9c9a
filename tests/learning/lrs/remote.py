"""A remote LRS for forwarding tests: a real HTTP server on a free port that records what it is
sent and answers with the statuses a test scripts (the other side of the wire, not our stack)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class Received:
    method: str
    statement_ids: list[str]
    version: str
    authorization: str


@dataclass
class RemoteLrs:
    """Answers ``answer(method, statement_ids)`` (default 200), after ``delay`` seconds."""

    answer: Callable[[str, list[str]], int] = lambda method, ids: 200
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self):
        remote = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
                if self.command == "PUT":
                    ids = parse_qs(urlparse(self.path).query).get("statementId", [])
                else:
                    ids = [item["id"] for item in body]
                if remote.delay:
                    time.sleep(remote.delay)
                with remote.lock:
                    remote.received.append(
                        Received(
                            self.command,
                            ids,
                            self.headers.get("X-Experience-API-Version", ""),
                            self.headers.get("Authorization", ""),
                        )
                    )
                status = remote.answer(self.command, ids)
                payload = json.dumps(ids if status == 200 else {"error": f"refused with {status}"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(0 if status == 204 else len(payload)))
                self.end_headers()
                if status != 204:
                    self.wfile.write(payload)

            do_POST = _handle
            do_PUT = _handle

            def log_message(self, *args):
                pass

        return Handler

    def ids(self, method: str | None = None) -> list[str]:
        return [i for r in self.received if method is None or r.method == method for i in r.statement_ids]


def remote_start(remote: RemoteLrs) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), remote.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/xapi/"
