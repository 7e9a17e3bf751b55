"""Serving a built site on 127.0.0.1, misbehaving where traps.json asks (status, delay, redirect, headers).

For tests and benchmarks only: it binds the loopback address, counts requests per path (so a test can
check robots.txt was fetched once) and serves files with a Content-Length, like a static web server.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import time
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: tests and benchmarks print their own figures
        pass

    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        path = urlsplit(self.path).path
        self.server.count(path)
        behaviour = self.server.behaviour(path)
        if behaviour.get("delay"):
            time.sleep(behaviour["delay"])
        if behaviour.get("redirect"):
            target = behaviour["redirect"].replace("{port}", str(self.server.server_address[1]))
            return self._send(302, b"", {"Location": target})
        if behaviour.get("status"):
            return self._send(behaviour["status"], b"server error")
        file = (self.server.root / path.lstrip("/")).resolve()
        if self.server.root not in file.parents or not file.is_file():
            return self._send(404, b"not found")
        content_type = behaviour.get("content_type") or mimetypes.guess_type(file.name)[0]
        headers = {"Content-Type": content_type or "application/octet-stream", **behaviour.get("headers", {})}
        self._send(200, file.read_bytes(), headers)

    def _send(self, status: int, body: bytes, headers: dict | None = None):
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to do


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, root: str, host: str = "127.0.0.1", port: int = 0):
        if not host.startswith("127."):
            raise ValueError("the site server listens on loopback only")
        super().__init__((host, port), _Handler)
        self.root = Path(root).resolve()
        self._lock = threading.Lock()
        self.requests: Counter = Counter()
        self._routes: dict | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def count(self, path: str) -> None:
        with self._lock:
            self.requests[path] += 1

    def behaviour(self, path: str) -> dict:
        if self._routes is None:  # read lazily: the site may be built after the server started
            manifest = self.root / "traps.json"
            entries = json.loads(manifest.read_text()) if manifest.exists() else []
            self._routes = {e["path"]: e.get("behaviour", {}) for e in entries if "path" in e}
        return self._routes.get(path, {})


@contextmanager
def serve_site(root: str, host: str = "127.0.0.1", port: int = 0):
    """Serve `root` in a background thread for the duration of the `with` block."""
    server = SiteServer(root, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """`python -m capfilt.world.site_server SITE_DIR [--port 8000]`: serve a built site until Ctrl-C."""
    import signal
    import sys

    from capfilt.flags import StrictArgumentParser

    parser = StrictArgumentParser(
        prog="python -m capfilt.world.site_server",
        description="Serve a demo site written by `python -m capfilt.world --site` on 127.0.0.1, traps "
        "included (slow, failing and redirecting URLs behave as traps.json says), until stopped.",
    )
    parser.add_argument("site", help="the site folder, e.g. demo_output/world/site")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    args = parser.parse_args(argv)
    if not Path(args.site, "index.html").is_file():
        parser.error(
            f"{args.site} is not a built site (no index.html); write one with python -m capfilt.world --site"
        )
    try:
        server = SiteServer(args.site, port=args.port)
    except OSError as error:
        parser.error(f"cannot listen on 127.0.0.1:{args.port}: {error.strerror or error}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"serving {args.site} on {server.base_url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
