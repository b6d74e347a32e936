"""The proxy example (``deploy/nginx.conf``) and the container recipe (``Dockerfile``), run for real.

nginx runs the repository's file with only its ports, certificate paths, pid and log paths
replaced (:func:`rendered_conf` asserts each replacement found its line, so the file cannot drift
from what is tested). Its upstream is either a real ``streamlit run app.py`` (TLS, headers, the
longest share link, Chromium under the CSP) or a small in-process echo server that answers every
request with the headers it received (forwarded headers, rate and size limits), which costs no
Streamlit start.

The certificate is self-signed, made by ``openssl req -x509`` for 127.0.0.1 in a temporary folder.
nginx and openssl come from Debian (CI installs them, ``.ci/run``); without them these tests skip and
say so.

The Dockerfile cannot be built here (no container runtime): its install and start commands are run in
a fresh virtualenv, and its health check must answer.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import http.client
import http.server
import io
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from base64 import b64encode
from hashlib import sha256
from pathlib import Path
from urllib.parse import quote

import pytest
import st_client  # benchmarks/ is on pytest's pythonpath (pyproject.toml)
import streamlit

from aliquant_app import (
    class_controls,
    compare,
    estimate_view,
    layout,
    map_view,
    over_time_view,
    programme_controls,
    programmes_view,
    state,
    uncertainty_view,
)
from aliquant_core import PRESETS

from .server import serve_app
from .test_browser import CHROMIUM, FLAGS
from .test_browser import PAGES as BROWSER_PAGES

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "nginx.conf"
DOCKERFILE = ROOT / "Dockerfile"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
needs_nginx = pytest.mark.skipif(
    not (Path(NGINX).exists() and Path(OPENSSL).exists()),
    reason=f"nginx or openssl not found ({NGINX}, {OPENSSL}); CI installs them (.ci/run)",
)

# --- the longest valid share link ------------------------------------------------------------------

#: A number as a link holds it: Python's repr or JavaScript's toString of a double is at most 24
#: characters ("-2.2250738585072014e-308", "-0.0000001234567890123456" is 25 with its sign), and a
#: "+" in an exponent is sent as %2B; so 26 bounds every numeric value.
NUMBER_CHARS = 26
#: A programme name: MAX_NAME characters, each at most 4 bytes of UTF-8, each byte sent as %XX.
NAME_CHARS = programme_controls.MAX_NAME * 4 * 3


def _page_constant(script: str, name: str):
    """A dict literal assigned at the top of a page script (the page cannot be imported)."""
    for node in ast.parse((ROOT / script).read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{script} no longer assigns {name}")


def _link_kinds() -> tuple[dict[str, list[str]], dict[str, list[str]], set[str], set[str], set[str]]:
    """Every share-link key by the kind of value it holds.

    Returns (one choice of labels, several values at once from labels, numbers, flags, names).
    """
    sources = [programmes_view.source_name(p) for p in PRESETS]
    sources_or_none = [*sources, programmes_view.source_name(programmes_view.NONE)]
    aggregations = list(programmes_view.AGGREGATIONS)
    choices = {
        "cost_source": sources,
        "prog_tab": [f"Programme {i}" for i in range(1, programmes_view.MAX_PROGRAMMES + 1)],
        "prog_view": list(programmes_view.SECTIONS.values()),
        "budget_axis": list(programmes_view.AXIS_NAMES.values()),
        "cheap_pool": list(programmes_view.POOL_LABELS.values()),
        "cheap_agg": aggregations,
        "split_agg": aggregations,
        "split_a": sources,
        "split_b": sources,
        "unc_view": list(_page_constant("pages/uncertainty.py", "VIEWS").values()),
        "sim_view": list(_page_constant("pages/simulation.py", "SECTIONS").values()),
    }
    names = set()
    numbers = set(state.CONTROLS) | set(over_time_view.LINK_KEYS)
    for key in programmes_view.PROGRAMME_LINK_KEYS:
        field = key.split("_", 1)[1]
        if field == "name":
            names.add(key)
        elif field == "agg":
            choices[key] = aggregations
        elif field in ("a", "b"):
            choices[key] = sources if field == "a" else sources_or_none
        else:
            numbers.add(key)
    multiples = {
        "map_levels": [str(level) for level in map_view.LEVEL_OPTIONS],
        "map_budgets": [map_view.budget(b) for b in map_view.BUDGET_OPTIONS],
        # a range: two of the steps
        "budgets": sorted((programmes_view.budget_label(b) for b in programmes_view.BUDGET_STEPS), key=len)[
            -2:
        ],
    }
    flags = {state.USE_AGREEMENT_KEY, "sim_resolvable", "sim_per_labeler"}
    for key in uncertainty_view.LINK_KEYS:
        if key.endswith("_on"):
            flags.add(key)
        elif key != "unc_view":
            numbers.add(key)
    numbers |= {
        "n_prog", "split_budget", "map_cost_reference", "map_cost_gamma",
        "sim_trials", "sim_seed", "sim_bt_trials", "sim_redundancy",
    }  # fmt: skip
    return choices, multiples, numbers, flags, names


def _encoded(text: str) -> int:
    return len(quote(text, safe=""))


def longest_share_link() -> tuple[int, list[str]]:
    """An upper bound on a valid share link's path and query, and every key it counts.

    Every key of the sidebar (the table of quantities) and of every page at once, each at its
    longest value (numbers :data:`NUMBER_CHARS`, names :data:`NAME_CHARS`, options their longest
    label percent-encoded, multi-selects every option), on the page with the longest path. Real
    links hold one page's keys and only values that differ from the defaults, so are shorter.
    """
    choices, multiples, numbers, flags, names = _link_kinds()
    length = 1 + max(len(page.url_path) for page in layout.PAGES) + 1  # "/quality-map?"
    counted: list[str] = []
    for key in sorted(numbers):
        length += _encoded(key) + 2 + NUMBER_CHARS  # "&key=value"
        counted.append(key)
    for key in sorted(flags):
        length += _encoded(key) + 2 + len("false")
        counted.append(key)
    for key in sorted(names):
        length += _encoded(key) + 2 + NAME_CHARS
        counted.append(key)
    # The applied estimates from the user's labels: at most MAX_LINK_VALUE characters (the file
    # name's part of it may be any text), each counted as a 4-byte character percent-encoded.
    length += _encoded(estimate_view.LINK_KEY) + 2 + state.MAX_LINK_VALUE * 4 * 3
    counted.append(estimate_view.LINK_KEY)
    # The pinned A of the comparison: at most MAX_LINK_VALUE characters of digits, points,
    # underscores and exponents, each exponent's "+" sent as %2B (at most one per field).
    length += _encoded(compare.LINK_KEY) + 2 + state.MAX_LINK_VALUE + 2 * len(compare.FIELDS)
    counted.append(compare.LINK_KEY)
    # The competitor classes added: their "&cls=…" parts, percent-encoded, at most LINK_CHARS (past
    # it their names are shortened: class_controls.link_texts).
    length += class_controls.LINK_CHARS
    counted.append(class_controls.LINK_KEY)
    for key, labels in choices.items():
        length += _encoded(key) + 2 + max(_encoded(label) for label in labels)
        counted.append(key)
    for key, labels in multiples.items():
        length += sum(_encoded(key) + 2 + _encoded(label) for label in labels)
        counted.append(key)
    return length, counted


def test_the_link_bound_counts_every_key_once():
    """Every key the app links (the sidebar's, and each page's in the registry) has one kind in the
    bound; a new key without one fails here rather than being left out of the bound."""
    _, counted = longest_share_link()
    linked = {*state.CONTROLS, state.USE_AGREEMENT_KEY, *(k for page in layout.PAGES for k in page.link_keys)}
    linked |= set(layout.SHARED_LINK_KEYS)
    assert len(counted) == len(set(counted)), "a key has two kinds"
    assert set(counted) == linked


def _conf_directive(name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]*);", CONF.read_text(), re.M)


def _size(text: str) -> int:
    match = re.fullmatch(r"(\d+)([km]?)", text.strip())
    assert match, text
    return int(match[1]) * {"": 1, "k": 1024, "m": 1024**2}[match[2]]


def header_buffer() -> int:
    """The size of one of nginx's large header buffers in deploy/nginx.conf, in bytes."""
    (buffers,) = _conf_directive("large_client_header_buffers")
    return _size(buffers.split()[1])


def test_header_buffers_hold_the_longest_link_and_the_replicas_take_what_nginx_passes():
    """The request line "GET <link> HTTP/1.1" and the Referer header carrying the whole URL must each
    fit one of nginx's large header buffers (a request line that does not gets 414, a header 400).
    nginx must not pass on more than the replicas read: uvicorn's h11 takes a request head of at most
    16 KB (``h11_max_incomplete_event_size``), so a full buffer plus the browser's other headers
    (under 4 KB: cookies are Streamlit's XSRF token, about 100 bytes) must stay under it."""
    length, _ = longest_share_link()
    size = header_buffer()
    request_line = len("GET ") + length + len(" HTTP/1.1\r\n")
    referer = len("Referer: https://") + 253 + len(":65535") + length + 2  # longest host name, port
    assert max(request_line, referer) < size
    assert size + 4 * 1024 <= 16 * 1024
    print(f"longest valid share link: at most {length} characters; header buffer {size} bytes")


# --- nginx with the repository's file ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rendered_conf(
    tmp: Path, *, https_port: int, http_port: int, upstream_port: int, cert: Path, key: Path
) -> str:
    """deploy/nginx.conf with its deployment-specific lines pointed at this test's ports and files."""
    text = CONF.read_text()
    replacements = [
        ("listen 127.0.0.1:8640 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("listen 127.0.0.1:8639;", f"listen 127.0.0.1:{http_port};"),
        ("https://$host:8640$request_uri", f"https://$host:{https_port}$request_uri"),
        ("server 127.0.0.1:8641 max_fails=3 fail_timeout=10s;", f"server 127.0.0.1:{upstream_port};"),
        ("server 127.0.0.1:8642 max_fails=3 fail_timeout=10s;", ""),
        ("ssl_certificate /etc/ssl/aliquant/fullchain.pem;", f"ssl_certificate {cert};"),
        ("ssl_certificate_key /etc/ssl/aliquant/privkey.pem;", f"ssl_certificate_key {key};"),
        ("pid /tmp/aliquant-nginx.pid;", f"pid {tmp}/nginx.pid;"),
        ("error_log /tmp/aliquant-nginx-error.log;", f"error_log {tmp}/error.log;"),
    ]
    for old, new in replacements:
        assert text.count(old) == 1, f"deploy/nginx.conf no longer holds {old!r}"
        text = text.replace(old, new)
    if os.geteuid() != 0:  # www-data's buffers in /var/lib/nginx are out of reach: use our own
        temp = "\n".join(
            f"    {kind}_temp_path {tmp}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        text = text.replace("http {\n", "http {\n" + temp + "\n", 1)
    return text


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if not Path(OPENSSL).exists():
        pytest.skip(f"no openssl at {OPENSSL}")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextlib.contextmanager
def nginx(tmp: Path, upstream_port: int, certificate) -> dict:
    """nginx running the repository's file in front of ``upstream_port``; yields its ports."""
    tmp.mkdir(parents=True, exist_ok=True)
    ports = {"https": _free_port(), "http": _free_port()}
    conf = tmp / "nginx.conf"
    conf.write_text(
        rendered_conf(
            tmp,
            https_port=ports["https"],
            http_port=ports["http"],
            upstream_port=upstream_port,
            cert=certificate[0],
            key=certificate[1],
        )
    )
    started = subprocess.run([NGINX, "-p", str(tmp), "-c", str(conf)], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", ports["https"]), 0.5):
                break
            assert time.monotonic() < deadline, (tmp / "error.log").read_text()
            time.sleep(0.05)
        yield ports
    finally:
        pid = int((tmp / "nginx.pid").read_text())
        os.kill(pid, 15)  # the master stops its workers


def https(port: int, certificate, method: str, path: str, body: bytes | None = None, headers=None):
    """One request over TLS, the certificate checked against ours; (status, headers, body)."""
    context = ssl.create_default_context(cafile=str(certificate[0]))
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def refused_answer(port: int, certificate, path: str) -> tuple[int, http.client.HTTPMessage]:
    """The status and headers nginx answers a GET for ``path`` that is too long for it.

    Only the first 16 KB of the request is sent: nginx answers as soon as the line overflows a
    buffer and closes the connection, and a client still sending would get a reset that can lose
    the answer. What nginx sees up to its answer is the same as for the whole request.
    """
    context = ssl.create_default_context(cafile=str(certificate[0]))
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    with (
        socket.create_connection(("127.0.0.1", port), 30) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(request[: 16 * 1024])
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = tls.recv(4096)
            assert chunk, f"no answer: {answer!r}"
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode("latin-1")
    status_line, _, fields = head.partition("\r\n")
    return int(status_line.split()[1]), http.client.parse_headers(
        io.BytesIO(fields.encode("latin-1") + b"\r\n\r\n")
    )


class _Echo(http.server.BaseHTTPRequestHandler):
    """Answers any request with the headers it received, as JSON."""

    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def echo_proxy(tmp_path_factory, certificate):
    if not Path(NGINX).exists():
        pytest.skip(f"no nginx at {NGINX}; CI installs it (.ci/run)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with nginx(tmp_path_factory.mktemp("nginx-echo"), server.server_address[1], certificate) as ports:
            yield ports
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def app_proxy(tmp_path_factory, certificate):
    if not Path(NGINX).exists():
        pytest.skip(f"no nginx at {NGINX}; CI installs it (.ci/run)")
    with serve_app(tmp_path_factory.mktemp("streamlit")) as url:
        port = int(url.rsplit(":", 1)[1])
        with nginx(tmp_path_factory.mktemp("nginx-app"), port, certificate) as ports:
            yield ports


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
)


@needs_nginx
def test_health_over_tls_with_the_security_headers(app_proxy, certificate):
    """The health check answers "ok" through TLS (certificate verified), and every kind of answer
    (the health check, the page, a static file, an error from nginx) carries the security headers."""
    status, headers, body = https(app_proxy["https"], certificate, "GET", "/_stcore/health")
    assert (status, body) == (200, b"ok")
    index = https(app_proxy["https"], certificate, "GET", "/")
    script = re.search(rb'src="\./(static/js/index\.[^"]+\.js)"', index[2])
    assert index[0] == 200
    assert script, index[2][:300]
    static = https(app_proxy["https"], certificate, "GET", "/" + script[1].decode())
    refused = (*refused_answer(app_proxy["https"], certificate, "/?x=" + "1" * header_buffer()), b"")
    assert (static[0], refused[0]) == (200, 414)  # nginx's own error page
    for _status, answer_headers, _ in ((status, headers, body), index, static, refused):
        assert [h for h in SECURITY_HEADERS if h not in answer_headers] == []
        assert answer_headers["X-Content-Type-Options"] == "nosniff"
        assert int(re.search(r"max-age=(\d+)", answer_headers["Strict-Transport-Security"])[1]) >= 180 * 86400
        assert answer_headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        csp = answer_headers["Content-Security-Policy"]
        assert "frame-ancestors 'self' https:" in csp
        assert "object-src 'none'" in csp
        # The pages load nothing from another host (tests/test_browser_shell.py), so the policy
        # names none: only this origin, data:/blob:, its own websocket and the embedders' scheme.
        sources = re.findall(r"\b[a-z]+://[^\s;]+", csp)
        assert [source for source in sources if not source.startswith("wss://")] == []


@needs_nginx
def test_plain_http_is_redirected_to_https(echo_proxy):
    connection = http.client.HTTPConnection("127.0.0.1", echo_proxy["http"], timeout=10)
    connection.request("GET", "/budgets?labels=5000")
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{echo_proxy['https']}/budgets?labels=5000"
    connection.close()


def test_csp_allows_streamlits_inline_script_by_its_hash():
    """The CSP's script hash is that of the one inline script in the installed Streamlit's page; after
    an upgrade that changes it, this prints the hash to put in deploy/nginx.conf."""
    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    inline = re.findall(r"<script>(.*?)</script>", page, re.S)
    # ...and the share bar's Copy link script (aliquant_app/exports.py), the app's one inline script.
    from aliquant_app import exports

    inline += re.findall(r"<script>(.*?)</script>", exports._COPY_HTML_SENT, re.S)  # as sent
    hashes = {"sha256-" + b64encode(sha256(s.encode()).digest()).decode() for s in inline}
    (csp,) = re.findall(r'add_header Content-Security-Policy "([^"]*)"', CONF.read_text())
    in_conf = set(re.findall(r"'(sha256-[^']+)'", csp))
    assert in_conf == hashes, f"Streamlit {streamlit.__version__}'s inline scripts hash to {sorted(hashes)}"


@needs_nginx
def test_forwarded_headers_reach_the_replica(echo_proxy, certificate):
    status, _, body = https(
        echo_proxy["https"], certificate, "GET", "/", headers={"X-Forwarded-For": "203.0.113.7"}
    )
    seen = json.loads(body)
    assert status == 200
    # An address a client claims is kept, with the one nginx saw appended.
    assert seen["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
    assert seen["x-forwarded-proto"] == "https"
    assert seen["x-real-ip"] == "127.0.0.1"


@needs_nginx
def test_the_longest_valid_link_passes_and_an_absurd_one_gets_414(app_proxy, certificate):
    """A request for the longest valid link (its URL also in the Referer header, as a browser sends
    it) reaches the app; one a byte longer than a header buffer, and a link of 100 KB, are refused
    by nginx with 414."""
    length, _ = longest_share_link()
    path = "/quality-map?" + "x" * (length - len("/quality-map?"))
    referer = f"https://127.0.0.1:{app_proxy['https']}{path}"
    status, _, body = https(app_proxy["https"], certificate, "GET", path, headers={"Referer": referer})
    assert status == 200
    assert b"<title>" in body
    for absurd in ("/?x=" + "1" * header_buffer(), "/?x=" + "1" * 100_000):
        assert refused_answer(app_proxy["https"], certificate, absurd)[0] == 414


@needs_nginx
def test_uploads_are_bounded(echo_proxy, certificate):
    """A 1 MB scenario with its multipart wrapping passes; a 3 MB body is refused with 413."""
    ok = https(
        echo_proxy["https"], certificate, "POST", "/_stcore/upload_file/x", body=b"0" * (1024**2 + 4096)
    )
    refused = https(
        echo_proxy["https"], certificate, "POST", "/_stcore/upload_file/x", body=b"0" * 3 * 1024**2
    )
    assert (ok[0], refused[0]) == (200, 413)


@needs_nginx
def test_uploads_from_one_client_are_rate_limited_but_removing_them_is_not(echo_proxy, certificate):
    """Streamlit keeps each uploaded file in the replica's memory for its session: one client's
    uploads pass 5 at once (the burst), then are refused with 429; its DELETEs and requests for
    the page's files still pass."""
    context = ssl.create_default_context(cafile=str(certificate[0]))
    connection = http.client.HTTPSConnection("127.0.0.1", echo_proxy["https"], context=context, timeout=30)
    statuses = {"PUT": [], "DELETE": []}
    for i in range(12):
        for method in ("PUT", "DELETE"):
            connection.request(method, f"/_stcore/upload_file/session/file{i}", body=b"x" * 1000)
            response = connection.getresponse()
            response.read()
            statuses[method].append(response.status)
    connection.close()
    # (test_uploads_are_bounded may have used one of the burst already)
    assert statuses["PUT"][:4] == [200] * 4
    assert statuses["PUT"][6:] == [429] * 6
    assert statuses["DELETE"] == [200] * 12
    assert https(echo_proxy["https"], certificate, "GET", "/static/js/index.js")[0] == 200


def _statuses(port: int, certificate, requests: list[tuple[str, dict]]) -> list[int]:
    """Statuses of GET requests sent one after another on one kept-alive connection."""
    context = ssl.create_default_context(cafile=str(certificate[0]))
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    statuses = []
    for path, headers in requests:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    connection.close()
    return statuses


@needs_nginx
def test_a_flood_of_requests_is_limited_but_the_websocket_still_opens(echo_proxy, certificate):
    """Far more page requests than a browser makes, at once, from one client: the first ones pass,
    then 429. Right after, while the page's allowance is spent (it refills one request every 50 ms),
    ten websocket requests and ten static files in a row all reach the replica: zones of their own."""
    flood = _statuses(echo_proxy["https"], certificate, [("/?labels=5000", {})] * 300)
    assert flood[:50] == [200] * 50  # (the upload test shares the zone and may have used some)
    assert flood.count(429) >= 150  # burst 100 at 20 a second (a few pass as it refills)
    websocket = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                 "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
    after = [("/_stcore/stream", websocket)] * 10 + [("/static/js/index.js", {})] * 10 + [("/", {})] * 10
    statuses = _statuses(echo_proxy["https"], certificate, after)
    assert statuses[:20] == [200] * 20  # the echo server's answers
    assert statuses[20:].count(429) >= 5  # the page's allowance was still spent


def test_the_websocket_timeout_is_bounded_and_outlasts_streamlits_ping():
    """The stream's read timeout: longer than Streamlit's ping interval (so an open tab is never cut),
    at most 10 minutes (so a dead connection does not hold a slot for a day)."""
    from streamlit.web.server.starlette.starlette_server_config import DEFAULT_WEBSOCKET_PING_INTERVAL

    stream = re.search(r"location = /_stcore/stream \{(.*?)\}", CONF.read_text(), re.S)[1]
    (timeout,) = re.findall(r"proxy_read_timeout (\d+)s;", stream)
    assert 2 * DEFAULT_WEBSOCKET_PING_INTERVAL < int(timeout) <= 600
    assert "proxy_read_timeout" not in CONF.read_text().replace(stream, "")  # elsewhere: nginx's 60 s


# --- the app in Chromium through the proxy ------------------------------------------------------


@pytest.mark.browser
@needs_nginx
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium found at {CHROMIUM}")
def test_the_app_works_under_the_csp_in_chromium(app_proxy):
    """Through TLS and the CSP, every page draws (its charts where it has them, no exception), a
    CSV download and Plotly's PNG download both arrive, and the browser reports no CSP violation
    (each would be a console error and a securitypolicyviolation event, caught from the first
    script on)."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    base = f"https://127.0.0.1:{app_proxy['https']}"
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            context = browser.new_context(
                ignore_https_errors=True, accept_downloads=True, viewport={"width": 1280, "height": 800}
            )
            context.add_init_script(
                "window.__violations = [];"
                "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
                "e.violatedDirective + ' ' + e.blockedURI));"
            )
            page = context.new_page()
            console, requests = [], []
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.on("request", lambda r: requests.append(r.url))
            refused = []
            # 429 from a limit, 5xx from nginx or a replica. (On a deep link Streamlit's page first
            # looks for /_stcore/* under the page's path and gets 404s it expects.)
            page.on(
                "response",
                lambda r: (
                    refused.append((r.status, r.url)) if r.status in (429, 500, 502, 503, 504) else None
                ),
            )
            for path, charts in BROWSER_PAGES.items():
                page.goto(f"{base}/{path}")
                page.wait_for_selector('[data-testid="stSidebar"]', timeout=60_000)
                if charts:
                    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
                page.wait_for_function(
                    "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
                )
                assert page.locator('[data-testid="stException"]').count() == 0, path
                if path == "":
                    # A first visit's requests: the static zone's burst lets about ten viewers
                    # behind one address load at once, the other zone's as many.
                    static = sum("/static/" in url for url in requests)
                    other = sum(url.startswith(base) for url in requests) - static
                    bursts = dict(re.findall(r"zone=(aliquant_\w+) burst=(\d+)", CONF.read_text()))
                    assert 10 * static <= int(bursts["aliquant_static"]), static
                    assert 10 * other <= int(bursts["aliquant_req"]), other
                    print(f"first load: {static} static files, {other} other requests")
                    with page.expect_download(timeout=30_000) as csv:
                        page.locator(".st-key-overview_csv button").first.click()
                    assert csv.value.suggested_filename.endswith(".csv")
                    # The chart's PNG: rendered on the server (aliquant_app/exports.py), fetched
                    # through the proxy like the CSV.
                    with page.expect_download(timeout=60_000) as png:
                        page.locator(".st-key-alignment_curve_png button").first.click()
                    assert png.value.suggested_filename.endswith(".png")
                violations = page.evaluate("window.__violations")
                assert violations == [], (path, violations)
            assert [m for m in console if "Content Security Policy" in m] == []
            assert refused == []  # no file refused by a limit (or anything else)
            csp = page.evaluate(
                "fetch('/_stcore/health').then(r => r.headers.get('content-security-policy'))"
            )
            assert "frame-ancestors" in csp
        finally:
            browser.close()


# --- the Dockerfile, without a container runtime ------------------------------------------------


async def _first_run(url: str) -> st_client.RerunResult:
    async with st_client.Session(url, "") as session:
        return await session.rerun()


def _dockerfile() -> dict[str, list]:
    """The Dockerfile's instructions (continuation lines joined), by name, in order."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    instructions: dict[str, list] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, rest = line.strip().partition(" ")
            instructions.setdefault(name, []).append(rest.strip())
    return instructions


def _exec_form(text: str) -> list[str]:
    assert text.startswith("["), f"not exec form (a JSON list): {text}"
    return json.loads(text)


def test_the_dockerfile_is_slim_unprivileged_and_checks_health():
    docker = _dockerfile()
    assert docker["FROM"] == ["python:3.11-slim"]
    assert len(docker["USER"]) == 1
    assert docker["USER"][0] not in ("root", "0")
    (healthcheck,) = docker["HEALTHCHECK"]
    assert "/_stcore/health" in healthcheck
    (command,) = docker["CMD"]
    command = _exec_form(command)
    assert command[command.index("--server.address") + 1] == "0.0.0.0"
    assert command[command.index("--server.port") + 1] == "8501"
    assert docker["EXPOSE"] == ["8501"]


def _image_files(destination: Path) -> Path:
    """The repository as ``COPY . .`` would put it in the image, .dockerignore applied."""
    import fnmatch

    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    anywhere = [p.removeprefix("**/") for p in patterns if p.startswith("**/")]
    top = [p for p in patterns if not p.startswith("**/")]

    def ignored(folder: str, names: list[str]) -> list[str]:
        at_top = Path(folder) == ROOT
        return [
            name
            for name in names
            if any(fnmatch.fnmatch(name, p) for p in anywhere)
            or (at_top and any(fnmatch.fnmatch(name, p) for p in top))
        ]

    shutil.copytree(ROOT, destination, ignore=ignored)
    return destination


@pytest.mark.slow
def test_the_images_install_and_start_commands_serve_a_healthy_app(tmp_path):
    """The Dockerfile's pip install, in a fresh virtualenv on this Python 3.11, into a copy of what
    the image holds; then its CMD (on the loopback and a free port instead of 0.0.0.0:8501, since
    here it runs on the host) until its HEALTHCHECK command succeeds and the health check says
    "ok"; then one session draws the Overview without an exception."""
    docker = _dockerfile()
    app = _image_files(tmp_path / "app")
    assert not (app / "tests").exists()
    assert (app / ".streamlit" / "config.toml").exists()  # the server's settings go in the image
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")

    def in_venv(words: list[str]) -> list[str]:
        return [python if word == "python" else word for word in words]

    installs = [shlex.split(run) for run in docker["RUN"] if "pip install" in run]
    assert installs, "the Dockerfile installs nothing with pip"
    for words in installs:
        done = subprocess.run(in_venv(words), cwd=app, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]

    port = _free_port()
    command = in_venv(_exec_form(docker["CMD"][0]))
    command[command.index("--server.address") + 1] = "127.0.0.1"
    command[command.index("--server.port") + 1] = str(port)
    healthcheck = _exec_form(docker["HEALTHCHECK"][0].split(" CMD ", 1)[1])
    healthcheck = [word.replace(":8501/", f":{port}/") for word in in_venv(healthcheck)]
    log = tmp_path / "streamlit.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=app, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while subprocess.run(healthcheck, capture_output=True).returncode != 0:
            assert server.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/_stcore/health")
        assert connection.getresponse().read() == b"ok"
        connection.close()
        # The health check does not run the app: a session does, with what the image installed.
        result = asyncio.run(_first_run(f"http://127.0.0.1:{port}"))
        assert result.exceptions == ()
        assert "Chance of outer alignment" in result.metrics
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def embedder(html: str, certificate=None):
    """Another origin on this machine (a page that embeds the explorer): over TLS with our
    certificate when given, else plain HTTP; yields its URL. (A made-up public host would not do:
    Chromium refuses a public page's frame of a loopback address whatever the CSP says.)"""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    scheme = "http"
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate[0], certificate[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@needs_nginx
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium found at {CHROMIUM}")
def test_an_https_page_may_embed_the_explorer_and_a_plain_http_one_may_not(app_proxy, certificate):
    """frame-ancestors 'self' https: a page on another HTTPS origin shows the explorer in an iframe
    (the app draws its chart there); the same page over plain HTTP gets a refused frame."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    src = f"https://127.0.0.1:{app_proxy['https']}/?embed=true"
    html = f'<!doctype html><title>embedder</title><iframe src="{src}" width="1000" height="700"></iframe>'
    with (
        playwright_sync.sync_playwright() as playwright,
        embedder(html, certificate) as https_page,
        embedder(html) as http_page,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            console = []
            page.on("console", lambda m: console.append(m.text))
            page.goto(https_page)
            page.frame_locator("iframe").locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
            assert not [m for m in console if "frame-ancestors" in m]

            page.goto(http_page)
            deadline = time.monotonic() + 20
            while not [m for m in console if "frame-ancestors" in m]:
                assert time.monotonic() < deadline, console
                page.wait_for_timeout(200)
            assert page.frame_locator("iframe").locator('[data-testid="stSidebar"]').count() == 0
        finally:
            browser.close()
