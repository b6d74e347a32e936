"""A headless client of Streamlit's own websocket protocol, for benchmarks that need many sessions.

A browser tab costs a Chromium renderer (about a core while it lays out charts); this client costs a
coroutine. It speaks what the browser speaks to ``/_stcore/stream``: it sends ``BackMsg`` protobufs
(``rerun_script`` with the page, the URL's query string and the widgets' values) and reads the
``ForwardMsg`` stream (element deltas, ``page_info_changed`` when a widget bound to the URL moves,
``script_finished``). It keeps what a browser keeps between reruns: every widget's id and value
and the current query string, so a rerun carries the whole state, as the frontend's does.

Checked against Streamlit 1.67 (Starlette server). What it leaves out: rendering (the plotly spec
arrives as JSON text and is not parsed), file uploads and heartbeats. Like the frontend, it keeps
the messages the server marks cacheable (elements over ``global.minCachedMessageSize``, 10 kB) and
lists their hashes in each rerun, so that an unchanged chart comes back as a short reference; a
session opened with ``message_cache=False`` asks for everything in full, as a new tab does.

Used by ``bench_app.py`` (server-side rerun time, measured at the server's socket) and
``bench_load.py`` (many concurrent sessions).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from urllib import parse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

__all__ = ["RerunResult", "Session", "StreamlitProtocolError"]

_FINISHED = ForwardMsg.ScriptFinishedStatus


class StreamlitProtocolError(RuntimeError):
    """The server answered in a way a browser would show as an error (an exception, no such page)."""


@dataclasses.dataclass(frozen=True)
class RerunResult:
    """One script run as the client saw it.

    Attributes
    ----------
    seconds : float
        From sending the ``rerun_script`` message to receiving ``script_finished``.
    page_not_found : bool
        Whether the server said the page asked for does not exist (the browser shows a dialog).
    first_metric_seconds : dict
        For each ``st.metric`` label, from sending to the delta that carried it.
    metrics : dict
        Each ``st.metric`` label and the value it shows.
    exceptions : tuple of str
        Messages of ``st.exception`` elements (uncaught errors in the script).
    alerts : tuple of str
        Texts of ``st.warning``, ``st.error``, ``st.info`` and ``st.success`` elements.
    deltas : int
        Element deltas received (in full or as references to cached ones).
    bytes_received : int
        Size of all forward messages of the run.
    """

    seconds: float
    page_not_found: bool
    first_metric_seconds: dict[str, float]
    metrics: dict[str, str]
    exceptions: tuple[str, ...]
    alerts: tuple[str, ...]
    deltas: int
    bytes_received: int


@dataclasses.dataclass(frozen=True)
class _Widget:
    id: str
    kind: str
    default: object
    query_param_key: str
    integer: bool


#: Element kinds whose protos carry a widget id (those this client learns keys from).
_WIDGET_KINDS = frozenset(
    {
        "slider",
        "number_input",
        "checkbox",
        "selectbox",
        "radio",
        "multiselect",
        "text_input",
        "button",
        "download_button",
        "file_uploader",
        "button_group",
    }
)


def _url_number(value: float | bool) -> str:
    # As the frontend writes numbers into the URL (JavaScript's String(x): 0.2, 1000, 1e+21).
    if isinstance(value, bool):
        return "true" if value else "false"
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e21 else repr(number)


def _widget_key(widget_id: str) -> str | None:
    # Element ids of keyed widgets end in "-<user key>" ("$$ID-<hash>-error_rate").
    if not widget_id.startswith("$$ID-"):
        return None
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


class Session:
    """One browser-like session of a running ``streamlit run`` server.

    Parameters
    ----------
    url : str
        The server's base URL, ``http://host:port``.
    page : str
        The page's URL path, as after the host in the browser (``""`` for the default page).
    query_string : str
        The URL's query string without ``?``: what a shared link carries.
    timeout : float
        Seconds to wait for a run to finish before :class:`TimeoutError`.
    """

    def __init__(
        self,
        url: str,
        page: str = "",
        query_string: str = "",
        *,
        timeout: float = 30.0,
        message_cache: bool = True,
    ):
        self.ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.page = page
        self.query_string = query_string
        self.timeout = timeout
        #: Widget id -> latest WidgetState to send, as the frontend's widget manager holds it.
        self.states: dict[str, WidgetState] = {}
        #: User key -> the widget as last drawn (id, kind, default, URL parameter).
        self.widgets: dict[str, _Widget] = {}
        self.page_script_hash = ""
        #: Hash -> cacheable message received, when the message cache is on.
        self.cached: dict[str, ForwardMsg] | None = {} if message_cache else None
        self._socket = None

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> RerunResult:
        """Open the websocket (subprotocol ``streamlit``, as the frontend) and run the page once."""
        self._socket = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout
        )
        return await self.rerun()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    def set_value(self, key: str, value: float | bool) -> None:
        """Set the widget with ``key=key`` for the next rerun, as a user's input does.

        Sliders, number inputs and checkboxes. As the frontend does, a widget bound to the URL
        (``bind="query-params"``) also rewrites its parameter in the query string, or drops it when
        the value is the widget's default.
        """
        try:
            widget = self.widgets[key]
        except KeyError:
            raise KeyError(
                f"no widget with key {key!r} on this page; keys seen: {sorted(self.widgets)}"
            ) from None
        state = WidgetState(id=widget.id)
        if widget.kind == "slider":
            state.double_array_value.data[:] = [float(value)]
            default = widget.default[0] if widget.default else None
        elif widget.kind == "number_input":
            if widget.integer:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
            default = widget.default
        elif widget.kind == "checkbox":
            state.bool_value = bool(value)
            default = widget.default
        else:
            raise TypeError(
                f"widget {key!r} is a {widget.kind}; set_value handles sliders, numbers, checkboxes"
            )
        self.states[widget.id] = state
        if widget.query_param_key:
            params = parse.parse_qs(self.query_string, keep_blank_values=True)
            if default is not None and value == default:
                params.pop(widget.query_param_key, None)
            else:
                params[widget.query_param_key] = [_url_number(value)]
            self.query_string = parse.urlencode(params, doseq=True)

    async def rerun(self) -> RerunResult:
        """Send ``rerun_script`` with the current widget states; read until the run finishes."""
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query_string
        client.page_name = self.page
        client.page_script_hash = self.page_script_hash
        client.widget_states.widgets.extend(self.states.values())
        if self.cached:
            client.cached_message_hashes.extend(self.cached)
        start = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        return await asyncio.wait_for(self._read_run(start), self.timeout)

    async def _read_run(self, start: float) -> RerunResult:
        metrics: dict[str, str] = {}
        first_metric: dict[str, float] = {}
        exceptions: list[str] = []
        alerts: list[str] = []
        deltas = received = 0
        page_not_found = False
        while True:
            raw = await self._socket.recv()
            received += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                original = self.cached.get(msg.ref_hash) if self.cached is not None else None
                if original is None:
                    raise StreamlitProtocolError(f"reference to a message never received: {msg.ref_hash}")
                msg, kind = original, original.WhichOneof("type")
            elif self.cached is not None and msg.metadata.cacheable:
                self.cached[msg.hash] = msg
            if kind == "delta":
                deltas += 1
                if msg.delta.WhichOneof("type") == "new_element":
                    self._read_element(
                        msg.delta.new_element, metrics, first_metric, exceptions, alerts, start
                    )
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "navigation":
                # The page this run drew: reruns name it by hash, as the frontend does.
                self.page_script_hash = msg.navigation.page_script_hash
            elif kind == "page_not_found":
                # The frontend shows a "Page not found" dialog; the server goes on to run a page.
                page_not_found = True
            elif kind == "script_finished":
                status = msg.script_finished
                if status == _FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # a newer run of ours follows
                if status == _FINISHED.FINISHED_WITH_COMPILE_ERROR:
                    raise StreamlitProtocolError("the script did not compile")
                return RerunResult(
                    seconds=time.perf_counter() - start,
                    first_metric_seconds=first_metric,
                    metrics=metrics,
                    exceptions=tuple(exceptions),
                    alerts=tuple(alerts),
                    deltas=deltas,
                    bytes_received=received,
                    page_not_found=page_not_found,
                )

    def _read_element(self, element, metrics, first_metric, exceptions, alerts, start) -> None:
        kind = element.WhichOneof("type")
        if kind == "alert":
            alerts.append(element.alert.body)
        elif kind == "metric":
            metrics[element.metric.label] = element.metric.body
            first_metric.setdefault(element.metric.label, time.perf_counter() - start)
        elif kind == "exception":
            exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in _WIDGET_KINDS:
            proto = getattr(element, kind)
            key = _widget_key(proto.id)
            if key is not None:
                fields = proto.DESCRIPTOR.fields_by_name
                default = getattr(proto, "default", None) if "default" in fields else None
                if kind == "slider":
                    default = list(default)
                integer = kind == "number_input" and proto.data_type == proto.INT
                url_key = proto.query_param_key if "query_param_key" in fields else ""
                self.widgets[key] = _Widget(proto.id, kind, default, url_key, integer)
