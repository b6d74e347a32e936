"""Soak: protocol sessions changing settings for minutes against one server, watching its memory.

Run from the repository root: ``python benchmarks/bench_soak.py`` (``--sessions 10``, ``--minutes
10``, ``--json``). Stops by itself; exits 1 if a target is missed, 2 if the run could not complete.

Target (issue #15, point 8): 10 sessions changing settings for 10 minutes; server RSS at the end
within 5% of its value after the first minute, and 0 errors. A short run cannot tell a leak from a
cache filling up: the first minute fills the bounded caches (``st.cache_data`` with
``max_entries``), and what grows after that is what would grow without bound.

How: the same server and the same sessions as ``bench_load.py`` (``serve`` from ``bench_app.py``;
``ProtocolSession``, which speaks Streamlit's websocket protocol and moves the error-rate slider
1 to 5 steps at a time every 1 to 2 s, so most values are new to the caches). Server RSS (the
``streamlit`` process and its children, from ``/proc``) is read every 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import ROOT, environment, log, serve
from bench_load import ProtocolSession, pct, rss_mb, server_pid

RSS_GROWTH_LIMIT = 0.05


async def soak(sessions: int, minutes: float, tmp: Path) -> dict:
    out: dict = {"sessions": sessions, "minutes": minutes, "rss": []}
    with serve("app.py", ROOT, tmp) as (url, command):
        out["server_command"] = " ".join(["python", *command[1:]])
        pid = server_pid(url)
        warm = ProtocolSession(url, -1)  # the first session of a fresh server, then warm caches
        await warm.start()
        for value in (0.1639, 0.1638) * 2:
            await warm.press(value, record=False)
        await warm.close()
        out["rss_baseline_mb"] = rss_mb(pid)
        clients = [ProtocolSession(url, i) for i in range(sessions)]
        for client in clients:
            await client.start()
        start = time.monotonic()
        duration = minutes * 60.0
        stop = asyncio.Event()

        async def sample() -> None:
            while not stop.is_set():
                out["rss"].append((round(time.monotonic() - start, 1), rss_mb(pid)))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 5.0)

        sampler = asyncio.create_task(sample())
        rng = random.Random(15)
        await asyncio.gather(*(c.drive(duration, random.Random(rng.random())) for c in clients))
        stop.set()
        await sampler
        out["rss_end_mb"] = rss_mb(pid)
        for client in clients:
            await client.close()
        after_minute = [mb for t, mb in out["rss"] if t >= 60.0]
        out["rss_after_first_minute_mb"] = after_minute[0] if after_minute else out["rss"][-1][1]
        latencies = [v for c in clients for v in c.latencies]
        errors = [e for c in clients for e in c.errors]
        out.update(
            reruns=len(latencies),
            p50_ms=pct(latencies, 0.5),
            p95_ms=pct(latencies, 0.95),
            errors=len(errors),
            error_kinds=sorted(set(errors))[:10],
            loadavg_end=os.getloadavg(),
        )
    growth = out["rss_end_mb"] / out["rss_after_first_minute_mb"] - 1.0
    out["growth_after_first_minute"] = growth
    out["checks"] = {"rss_within_5_percent": abs(growth) <= RSS_GROWTH_LIMIT, "no_errors": out["errors"] == 0}
    out["pass"] = all(out["checks"].values())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    env = environment(["benchmarks/bench_soak.py", *sys.argv[1:]])
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(soak(args.sessions, args.minutes, Path(tmp)))
    except Exception as error:  # the run could not complete: say why, exit 2
        log(f"soak could not complete: {type(error).__name__}: {error}")
        return 2
    result["environment"] = env
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"command: {env['command']}")
        print(f"date {env['date_utc']}, commit {env['commit']}, load at start {env['loadavg_start']}")
        print(
            f"{result['sessions']} sessions, {result['minutes']:g} min, {result['reruns']} reruns, "
            f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, errors {result['errors']}"
        )
        print(
            f"RSS baseline {result['rss_baseline_mb']:.0f} MB, after the first minute "
            f"{result['rss_after_first_minute_mb']:.1f} MB, at the end {result['rss_end_mb']:.1f} MB "
            f"({result['growth_after_first_minute']:+.1%})"
        )
        for t, mb in result["rss"][:: max(1, len(result["rss"]) // 12)]:
            print(f"  t = {t:6.0f} s  RSS {mb:.1f} MB")
        for name, ok in result["checks"].items():
            print(f"  {name}: {'pass' if ok else 'MISS'}")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
