"""Server-process settings the explorer needs and Streamlit's configuration cannot express.

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
``.streamlit/config.toml`` (``runner.postScriptGC``).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["disable_nagle"]

_done = False


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
            with socket.socket(fileno=os.dup(int(entry.name))) as sock:
                tcp = sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
                if tcp and not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    changed += 1
        except (OSError, ValueError):
            continue  # closed meanwhile, or not a socket this process may query
    return changed
