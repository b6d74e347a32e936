"""Server-process settings the explorer needs and Streamlit's configuration cannot express.

Four, all called by the entry script (``app.py``) on every run and acting on the first:
:func:`disable_nagle`, :func:`freeze_startup_heap`, :func:`shorten_switch_interval` and
:func:`limit_malloc_arenas`.

Streamlit 1.67's Starlette server binds its listening socket itself, as
``socket.socket(family=...)``, whose protocol number is 0. asyncio turns Nagle's algorithm off
(``TCP_NODELAY``) only on sockets whose protocol is ``IPPROTO_TCP``, so every connection the server
accepts keeps Nagle on. A rerun sends several small websocket frames in a row (status, new session,
deltas, script finished); with Nagle on, each frame after the first waits for the viewer's
delayed acknowledgement, about 40 ms on Linux. ``benchmarks/bench_app.py`` measured an empty
one-slider page's rerun, at the server's socket, at 44 ms with this and 6 ms without
(``docs/benchmarks.md``).

:func:`disable_nagle` sets ``TCP_NODELAY`` on the process's TCP sockets. On Linux a socket
returned by ``accept`` inherits the option from the listening socket, so one call from the entry
script, on its first run, covers every later connection; the connection that triggered that
first run is fixed as well, since it is one of the process's sockets. The other half of the
stall, Streamlit's full garbage collection after every script run, is switched off in
``.streamlit/config.toml`` (``runner.postScriptGC``); Python's own full collections still run
now and then, and :func:`freeze_startup_heap` keeps them short.
"""

from __future__ import annotations

import gc
import os
import socket
import sys
from pathlib import Path

__all__ = [
    "MALLOC_ARENAS",
    "SWITCH_INTERVAL",
    "disable_nagle",
    "freeze_startup_heap",
    "limit_malloc_arenas",
    "shorten_switch_interval",
]

#: glibc malloc arenas the process may use (its default: eight a core); see :func:`limit_malloc_arenas`.
MALLOC_ARENAS = 2
#: ``mallopt``'s parameter number for the most arenas (glibc's ``M_ARENA_MAX``).
_M_ARENA_MAX = -8

#: Seconds a thread that wants the GIL waits before it asks the running thread to let go
#: (Python's default is 0.005); see :func:`shorten_switch_interval`.
SWITCH_INTERVAL = 0.0005

_done = False
_frozen = False
_switched = False
_arenas_limited = False


def disable_nagle(fd_dir: str | os.PathLike = "/proc/self/fd") -> int:
    """Set ``TCP_NODELAY`` on this process's TCP sockets, once per process.

    Parameters
    ----------
    fd_dir : path-like
        Where the process's open file descriptors are listed (Linux's procfs). Where it does not
        exist (not Linux) nothing is changed.

    Returns
    -------
    int
        How many sockets were changed (0 on every call after the first).
    """
    global _done
    if _done:
        return 0
    _done = True
    changed = 0
    directory = Path(fd_dir)
    if not directory.is_dir():
        return 0
    for entry in directory.iterdir():
        try:
            if not os.readlink(entry).startswith("socket:"):
                continue
            # A duplicate of the descriptor: closing it leaves the server's socket open.
            duplicate = os.dup(int(entry.name))
        except (OSError, ValueError):
            continue  # closed meanwhile
        try:
            sock = socket.socket(fileno=duplicate)
        except OSError:  # the number was reused by something else between the two calls
            os.close(duplicate)
            continue
        with sock:
            try:
                tcp = sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
                if tcp and not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    changed += 1
            except OSError:
                continue  # not a socket this process may set options on
    return changed


def freeze_startup_heap() -> int:
    """Move every object alive now out of the garbage collector's reach (``gc.freeze``), once.

    Called by the entry script on the server's first run, after its imports (Streamlit, NumPy,
    SciPy, Plotly, the core, the sidebar's modules and, through the page registry, the pages' view
    modules): their hundreds of thousands of long-lived objects are then no longer traversed by
    each full collection, which otherwise lands, tens of milliseconds long, on whichever session's
    rerun triggers it. Modules that pages import later (pandas) stay in the collector's reach.
    Objects frozen here are freed as usual when their reference count drops to zero; only garbage
    cycles among them would stay.

    Returns
    -------
    int
        How many objects were frozen (0 on every call after the first).
    """
    global _frozen
    if _frozen:
        return 0
    _frozen = True
    gc.collect()  # what is already garbage should not be frozen
    gc.freeze()
    return gc.get_freeze_count()


def shorten_switch_interval(seconds: float = SWITCH_INTERVAL) -> bool:
    """Let a thread waiting for the GIL have it after ``seconds`` instead of 5 ms, once per process.

    Streamlit runs each session's script in its own thread and sends every message from one
    event-loop thread, all under one GIL. A rerun of the Overview puts 58 messages on the loop,
    and the loop yields after each (``asyncio.sleep(0)``, a ``select`` that releases the GIL); the
    script thread wakes the loop for each one too (a write to its self-pipe). While other
    sessions' scripts run, every such hand-over waits for the running thread's switch interval,
    so with many viewers the hand-overs, not the CPU, set the pace. Twenty sessions rerunning back
    to back (``benchmarks/bench_load.py --back-to-back 20``, ``docs/benchmarks.md``): headline
    p95 2.1 to 2.5 s with the server at 55 % of a core; with this, 1.6 to 1.7 s at 67 to 73 %
    and 5 to 18 % more reruns a second. The extra thread switches cost about 10 % more CPU a
    rerun.

    Returns
    -------
    bool
        Whether the interval was set by this call (False on every call after the first).
    """
    global _switched
    if _switched:
        return False
    _switched = True
    sys.setswitchinterval(seconds)
    return True


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Let glibc's allocator use at most ``arenas`` arenas in this process, once per process.

    Streamlit runs every rerun's script in a new thread, and glibc gives threads their own
    arenas, up to eight a core; memory freed in one arena is reused only by the threads that use
    it, so with many sessions the heap spreads over many part-empty arenas and the process's RSS
    creeps up for minutes after its caches are full (the ten-minute soak,
    ``benchmarks/bench_soak.py``). The scripts run one at a time under the GIL anyway, so fewer
    arenas cost no parallelism. Settable at run time (``mallopt``), so it needs no environment
    variable (``MALLOC_ARENA_MAX``) in every way of starting the server.

    Returns
    -------
    bool
        Whether the limit was set by this call: False after the first call, and where the C
        library is not glibc.
    """
    global _arenas_limited
    if _arenas_limited:
        return False
    _arenas_limited = True
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, int(arenas)))
    except (OSError, AttributeError):  # not glibc: nothing to limit
        return False
