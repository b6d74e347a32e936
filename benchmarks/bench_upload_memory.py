"""Server memory after hostile uploads and an oversized query string (issue 15, point 4). Not a load test.

Run: ``python benchmarks/bench_upload_memory.py [APP_DIR]`` (default: this repository). Starts one
``streamlit run app.py`` from ``APP_DIR`` (its ``.streamlit/config.toml`` applies) on a free
loopback port and measures the server's RSS (``/proc/<pid>/status``):

1. **Uploads.** One session (a websocket speaking Streamlit's protocol, as ``st_client.py``)
   runs the page once; then 150 files of 1 MiB are PUT to ``/_stcore/upload_file/<session>/<id>``
   with new ids, as a client bypassing the uploader can (with the XSRF cookie and header a page
   load gives). RSS before, after the uploads and after the session's next run; then the same
   from a second session that never runs again, and 12 s later (past one sweep of the app's
   upload sweeper). The upload store's size is Streamlit's own metric (``/_stcore/metrics``).
2. **Query string.** A new session sends a rerun whose query string is 20 MB; RSS before and after,
   and whether the server closed the connection.

Prints one line per measurement (MB). Each step takes seconds; the whole run under a minute.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import serve
from bench_load import rss_mb, server_pid

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


def stored_mb(url: str) -> float:
    """What Streamlit's upload store holds, from its own metrics (``/_stcore/metrics``)."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(
        float(line.rsplit(" ", 1)[1]) / 1e6
        for line in text.splitlines()
        if line.startswith("cache_memory_bytes") and "UploadedFileManager" in line
    )


async def open_session(ws_url: str, query_string: str = ""):
    """A websocket that has run the default page once; returns (socket, session id)."""
    socket_ = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None)
    session_id = await rerun(socket_, query_string)
    return socket_, session_id


async def rerun(socket_, query_string: str = "") -> str:
    message = BackMsg()
    message.rerun_script.query_string = query_string
    await socket_.send(message.SerializeToString())
    session_id = ""
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(socket_.recv(), 120))
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            session_id = msg.new_session.initialize.session_id
        elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return session_id


def put_files(url: str, session_id: str, count: int, size: int) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(url + "/_stcore/health").read()  # sets the XSRF cookie, as the page load does
    token = next(c.value for c in jar if c.name == "_streamlit_xsrf")
    body_file = b"x" * (size - 200)
    ok = 0
    for _ in range(count):
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.json"\r\n'
                f"Content-Type: application/json\r\n\r\n"
            ).encode()
            + body_file
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            f"{url}/_stcore/upload_file/{session_id}/{uuid.uuid4()}",
            data=body,
            method="PUT",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": token},
        )
        with opener.open(request) as response:
            ok += response.status == 204
    return ok


async def measure(url: str, pid: int) -> None:
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    warm, _ = await open_session(ws_url)  # the first session imports NumPy, SciPy, Plotly
    await warm.close()
    await asyncio.sleep(1)
    print(f"idle after a first session      {rss_mb(pid):7.1f} MB")

    socket_, session_id = await open_session(ws_url)
    before = rss_mb(pid)
    stored = await asyncio.to_thread(put_files, url, session_id, 150, MIB)
    after = rss_mb(pid)
    print(
        f"150 x 1 MiB PUT ({stored} stored)    {before:7.1f} -> {after:7.1f} MB  (+{after - before:.1f}); "
        f"upload store {stored_mb(url):.1f} MB"
    )
    await rerun(socket_)
    await asyncio.sleep(6)  # past the 5 s for which Streamlit caches its memory metrics
    print(f"after the session's next run    {rss_mb(pid):7.1f} MB; upload store {stored_mb(url):.1f} MB")
    await socket_.close()

    socket_, session_id = await open_session(ws_url)
    before = rss_mb(pid)
    stored = await asyncio.to_thread(put_files, url, session_id, 150, MIB)
    after = rss_mb(pid)
    print(f"again, and no run after         {before:7.1f} -> {after:7.1f} MB  (+{after - before:.1f})")
    await asyncio.sleep(12)
    print(f"12 s later (the sweeper)        {rss_mb(pid):7.1f} MB; upload store {stored_mb(url):.1f} MB")
    await socket_.close()

    before = rss_mb(pid)
    socket_ = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None)
    message = BackMsg()
    message.rerun_script.query_string = "a=" + "9" * 20_000_000
    closed = "no"
    try:
        await socket_.send(message.SerializeToString())
        while True:
            await asyncio.wait_for(socket_.recv(), 60)
    except websockets.ConnectionClosed as error:
        closed = f"yes ({error.rcvd.code if error.rcvd else 'no close frame'})"
    except TimeoutError:
        closed = "no (still open after 60 s)"
    peak = rss_mb(pid)
    await socket_.close()
    print(
        f"20 MB query string              {before:7.1f} -> {peak:7.1f} MB  (+{peak - before:.1f}); "
        f"closed: {closed}"
    )


def main() -> int:
    app_dir = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    # The benchmarks' one way to start a server (bench_app.serve); the app's own folder comes
    # first on its path, so APP_DIR's code is what runs.
    with serve("app.py", app_dir, Path(tempfile.mkdtemp(prefix="bench-upload-"))) as (url, _):
        print(f"server: {app_dir}")
        asyncio.run(measure(url, server_pid(url)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
