"""A light client that speaks Streamlit's own websocket protocol.

It does what a browser tab does on the wire and nothing more: it opens
`/_stcore/stream`, asks for the first run, learns the widget ids from the
elements that run sends, and then "clicks" by sending `rerun_script` with
the widget states. Thirty of these cost a few megabytes and almost no CPU,
so a load test measures the server rather than thirty browsers.

Files are uploaded the way the frontend does it: a `file_urls_request`
for an upload URL, a multipart PUT with the XSRF cookie and header, then
a rerun whose widget state names the uploaded file.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import http.cookiejar
import itertools
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

__all__ = ["FileState", "Run", "StreamlitSession", "UploadRefused"]

_ids = itertools.count()


@dataclass
class Run:
    """What one script run sent: its elements, in order, and how long it took."""

    seconds: float = 0.0
    elements: list[tuple[str, str]] = field(default_factory=list)  # (element type, its text or widget id)
    paths: list[tuple[int, ...]] = field(default_factory=list)  # where each element went in the page, in order

    @property
    def errors(self) -> list[str]:
        """The messages of error alerts and the types of exception elements."""
        return [text for kind, text in self.elements if kind in {"error", "exception"}]

    def has(self, kind: str) -> bool:
        return any(k == kind for k, _ in self.elements)

    def texts(self, kind: str) -> list[str]:
        """The texts of the elements of one type, in order."""
        return [text for k, text in self.elements if k == kind]


def _describe(element: Any) -> tuple[str, str]:
    kind = element.WhichOneof("type")
    body = getattr(element, kind)
    if kind == "alert":
        return ("error" if body.format == Alert.ERROR else "alert", body.body)
    if kind == "exception":
        return ("exception", f"{body.type}: {body.message}")
    if kind in {"markdown", "heading", "metric", "text", "html"}:
        return (kind, body.body)
    if kind == "progress":
        return (kind, f"{body.value}% {body.text}")
    return (kind, getattr(body, "id", ""))


class StreamlitSession:
    """One browser tab's worth of protocol, on one websocket."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60.0,
        headers: dict[str, str] | None = None,
        cookies: http.cookiejar.CookieJar | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.headers = headers or {}  # sent with the websocket handshake, as a proxy in front would add them
        self.widget_ids: dict[str, str] = {}  # key -> widget id, learned from the runs' elements
        self.page_script_hash = ""
        self.pages: dict[str, str] = {}  # URL path name ("" for home) -> page script hash
        self.menu: dict[str, str] = {}  # URL path name -> title, of the pages the menu shows (not hidden)
        self.session_id = ""
        self.download_urls: dict[str, str] = {}  # download button key -> the URL its file is served at
        self.fragment_ids: set[str] = set()  # of the fragments the runs drew (an st.fragment reruns alone)
        self._ws: Any = None
        self._cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self._cookies))

    async def connect(self, *, session_id: str | None = None, browser: bool = True, first_run: bool = True) -> Run:
        """Open the websocket and do the first run of the home page, as a new tab does.

        Like the frontend, it holds Streamlit's XSRF cookie (an HTTP response
        sets it) and sends it with the websocket, its token in the
        subprotocol list; ``browser=False`` sends no cookie, as a script that
        only knows a URL. ``session_id`` asks the server to re-attach that
        session, as the frontend does when its websocket reconnects;
        ``first_run=False`` sends nothing after the handshake (a hand-made
        client need not start with a whole run).
        """
        ws_url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        headers: dict[str, str] = {}
        protocols = ["streamlit"]
        if browser:
            cookie = await asyncio.to_thread(self._xsrf_cookie)
            headers = {"Cookie": self._cookie_header(), "Origin": self.base_url}
            protocols.append(str(cookie.value))
        elif session_id:
            protocols.append("no-token")  # the session id must be the third entry
        if session_id:
            protocols.append(session_id)
        self._ws = await websockets.connect(
            ws_url,
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers={**self.headers, **headers},
            max_size=None,
            open_timeout=self.timeout,
        )
        return await self.rerun({}) if first_run else Run()

    @property
    def cookies(self) -> http.cookiejar.CookieJar:
        """This tab's cookies (give them to another session to play the same browser)."""
        return self._cookies

    def _xsrf_cookie(self) -> http.cookiejar.Cookie:
        if not any(c.name == "_streamlit_xsrf" for c in self._cookies):
            with self._opener.open(self.base_url + "/_stcore/health", timeout=self.timeout) as response:
                response.read()
        return next(c for c in self._cookies if c.name == "_streamlit_xsrf")

    def _cookie_header(self) -> str:
        """Every cookie this tab holds, as a browser sends them (a proxy in front may route by its own)."""
        return "; ".join(f"{c.name}={c.value}" for c in self._cookies)

    def get(self, path: str) -> tuple[int, bytes]:
        """GET a path of the server with this tab's cookies: (status, body), error statuses included."""
        try:
            with self._opener.open(self.base_url + path, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def send(self, path: str, *, method: str, data: bytes | None = None) -> tuple[int, list[str]]:
        """Another request with this tab's cookies, as the page's scripts make one: (status, its Set-Cookie headers);
        the cookies it sets join the tab's."""
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get_all("Set-Cookie") or []

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def rerun(self, states: dict[str, Any], *, triggers: tuple[str, ...] = (), fragment_id: str = "") -> Run:
        """Send widget states (by key) and the clicked buttons; wait for the run to finish.

        With ``fragment_id`` only that fragment reruns, as when a widget inside an st.fragment changes.
        """
        message = BackMsg()
        rerun = message.rerun_script
        rerun.page_script_hash = self.page_script_hash
        rerun.fragment_id = fragment_id
        for key, value in states.items():
            widget = rerun.widget_states.widgets.add()
            widget.id = self.widget_ids[key]
            if isinstance(value, bool):
                widget.bool_value = value
            elif isinstance(value, str):
                widget.string_value = value
            elif isinstance(value, (FileState, list)):
                for file in value if isinstance(value, list) else [value]:
                    info = widget.file_uploader_state_value.uploaded_file_info.add()
                    info.file_id, info.name, info.size = file.file_id, file.name, file.size
                    info.file_urls.upload_url, info.file_urls.delete_url = file.upload_url, file.delete_url
            else:
                raise TypeError(f"no widget state for {type(value).__name__}")
        for key in triggers:
            widget = rerun.widget_states.widgets.add()
            widget.id = self.widget_ids[key]
            widget.trigger_value = True
        started = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        run, auto_rerun = Run(), ""
        while True:
            forward = await self._receive()
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.fragment_id:
                self.fragment_ids.add(forward.delta.fragment_id)
            if kind == "new_session":
                self.page_script_hash = self.page_script_hash or forward.new_session.page_script_hash
            elif kind == "navigation":
                self.menu = {}
                for page in forward.navigation.app_pages:
                    self.pages[page.url_pathname] = page.page_script_hash
                    if not page.is_hidden:
                        self.menu[page.url_pathname] = page.page_name
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                described = _describe(forward.delta.new_element)
                run.elements.append(described)
                run.paths.append(tuple(forward.metadata.delta_path))
                widget_id = described[1]
                if widget_id.startswith("$$ID-"):
                    self.widget_ids[widget_id.rsplit("-", 1)[-1]] = widget_id
                if described[0] == "download_button":
                    self.download_urls[widget_id.rsplit("-", 1)[-1]] = forward.delta.new_element.download_button.url
            elif kind == "delta" and forward.delta.WhichOneof("type") == "add_block":
                block = forward.delta.add_block
                if block.WhichOneof("type") == "expandable" and block.expandable.id.startswith("$$ID-"):
                    # An expander drawn only when opened is a widget: its open state is sent like one.
                    self.widget_ids[block.expandable.id.rsplit("-", 1)[-1]] = block.expandable.id
            elif kind == "auto_rerun":
                auto_rerun = forward.auto_rerun.fragment_id
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the script called st.rerun(): its next run follows on the same click
                if auto_rerun:  # a fragment that reruns by itself: the browser asks for it, as here
                    follow = BackMsg()
                    follow.rerun_script.page_script_hash = self.page_script_hash
                    follow.rerun_script.fragment_id, auto_rerun = auto_rerun, ""
                    await self._ws.send(follow.SerializeToString())
                    run = Run()
                    continue
                run.seconds = time.perf_counter() - started
                return run

    async def open_page(self, url_pathname: str) -> Run:
        """Go to another page of the app, as a click in the sidebar does."""
        self.page_script_hash = self.pages[url_pathname]
        return await self.rerun({})

    async def upload(self, name: str, data: bytes, *, mime: str = "application/octet-stream") -> FileState:
        """Upload a file as the frontend does; pass the result as an uploader widget's state."""
        if not self.session_id:
            raise RuntimeError("no session yet: connect() first")
        request = BackMsg()
        request.file_urls_request.request_id = f"r{next(_ids)}"
        request.file_urls_request.file_names.append(name)
        # Upload URLs are bound to the session id the first run's new_session message gave.
        request.file_urls_request.session_id = self.session_id
        await self._ws.send(request.SerializeToString())
        while True:
            forward = await self._receive()
            if forward.WhichOneof("type") == "file_urls_response":
                response = forward.file_urls_response
                break
        if response.error_msg:
            raise RuntimeError(response.error_msg)
        urls = response.file_urls[0]
        await asyncio.to_thread(self._put, urls.upload_url, name, data, mime)
        return FileState(urls.file_id, name, len(data), urls.upload_url, urls.delete_url)

    def _put(self, upload_url: str, name: str, data: bytes, mime: str) -> None:
        """The multipart PUT the frontend makes; an HTTP refusal raises UploadRefused with its status."""
        url = urllib.parse.urlsplit(upload_url if upload_url.startswith("http") else self.base_url + upload_url)
        cookie = self._xsrf_cookie()
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: {mime}\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        connection = http.client.HTTPConnection(url.netloc, timeout=self.timeout)
        try:
            connection.putrequest("PUT", url.path)
            connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            connection.putheader("Content-Length", str(len(body)))
            connection.putheader("X-Xsrftoken", str(cookie.value))
            connection.putheader("Cookie", self._cookie_header())
            connection.endheaders()
            # A server that refuses on the headers closes before the body is sent.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.send(body)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status >= 300:
            raise UploadRefused(response.status)

    async def _receive(self) -> ForwardMsg:
        raw = await asyncio.wait_for(self._ws.recv(), timeout=self.timeout)
        forward = ForwardMsg()
        forward.ParseFromString(raw)
        if forward.WhichOneof("type") == "new_session" and forward.new_session.initialize.session_id:
            self.session_id = forward.new_session.initialize.session_id
        return forward


class UploadRefused(Exception):
    """The upload endpoint answered with an HTTP error status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"upload refused with HTTP {status}")
        self.status = status


@dataclass(frozen=True)
class FileState:
    """An uploaded file as the uploader widget's state names it."""

    file_id: str
    name: str
    size: int
    upload_url: str
    delete_url: str
