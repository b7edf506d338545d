"""A real HTTP server on 127.0.0.1 serving newspaper pages and redirects, for coverage fetching tests.

pages maps a path to (status, headers, body); every request is recorded.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>Industriedialog: Regionen stärken die Industrie | Rheinische Post</title>
<meta property="og:title" content="Industriedialog: Regionen stärken die Industrie">
<meta property="og:site_name" content="Rheinische Post">
<meta property="article:published_time" content="2017-01-18T07:30:00+01:00">
</head><body><article><h1>Industriedialog: Regionen stärken die Industrie</h1>
<p>Krefeld. Das N3tzwerk Zukunft der Industrie unterstützt Dialoge in sechs Modellregionen.</p>
</article></body></html>"""


class PageServer:
    def __init__(self):
        self.pages: dict[str, tuple[int, dict, bytes]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                status, headers, body = server.pages.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> "PageServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def page(self, path: str, body: str = ARTICLE, status: int = 200, **headers) -> str:
        self.pages[path] = (status, headers, body.encode())
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.pages[path] = (status, {"Location": location}, b"")
        return self.url(path)
