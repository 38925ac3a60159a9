"""Reading the recruiter's uploads: as soon as the uploader holds them, so that the click only scores.

The run that follows an upload (Streamlit reruns the page when the uploader's
files change) starts reading the batch in a thread, through the server's
parser processes, and keeps the Reading under ``READ_AHEAD`` with the file ids
it reads; the click on "Read and score the batch" waits for it to end and
takes its Screening only when the uploader holds exactly those files (a click
never scores half a batch). Other files (one more, one less, one uploaded
again) are other ids: their reading starts from scratch and the last one is
stopped after its step in progress, never mixed in. The caps and the gate are
those of every read (``read_screening``): nothing reaches a parser before them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Protocol

import streamlit as st

from hcdev_match.documents.document import DocumentLimits, DocumentReader, parser_workers
from hcdev_match.documents.gate import uploaded_name
from hcdev_match.documents.intake import BatchLimits
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.workflows.screening import Screening, read_screening

BATCH, LIMITS = BatchLimits(), DocumentLimits()
READ_AHEAD = "recruiter_read_ahead"  # the Reading of the uploads the uploader holds


class Upload(Protocol):
    """What the page needs of an uploaded file (Streamlit's UploadedFile)."""

    file_id: str
    name: str

    def getvalue(self) -> bytes: ...


@st.cache_resource(show_spinner=False)
def document_reader() -> DocumentReader:
    """The server's parser processes, one a core, started once and shared by every recruiter's batch
    (a batch waits for another's step in progress, never for its whole batch)."""
    reader = DocumentReader(limits=LIMITS, workers=parser_workers())
    reader.start()  # they load their parsers while the recruiter picks files
    return reader


def uploads_key(files: Sequence[Upload]) -> tuple[str, ...]:
    """The uploads' identity: a file uploaded again (or another one) has another id."""
    return tuple(str(f.file_id) for f in files)


class Reading:
    """One reading of a set of uploads, in a thread of its own: how far it is, and its Screening."""

    def __init__(
        self, key: tuple[str, ...], matcher: Matcher, files: Sequence[Upload], *, threads: ThreadPoolExecutor,
        reader: DocumentReader,
    ) -> None:  # fmt: skip
        self.key = key
        self.share, self.read = 0.0, 0
        self.stopped = threading.Event()  # another set of files replaced this one: stop after the step
        contents = [(uploaded_name(f.name), f.getvalue) for f in files]  # bytes fetched in turn
        self.future: Future[Screening] = threads.submit(
            read_screening, matcher, contents, limits=LIMITS, batch=BATCH, progress=self._progress, reader=reader
        )

    def _progress(self, share: float, read: int) -> None:
        if self.stopped.is_set():
            raise _Replaced
        self.share, self.read = share, read


class _Replaced(Exception):
    """The uploads changed while they were read."""


@st.cache_resource(show_spinner=False)
def _reading_threads() -> ThreadPoolExecutor:
    """Threads that read uploads ahead, shared by the sessions (as the parser processes are)."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="hcdev-read-ahead")


# Two runs of one session can overlap (Streamlit starts the click's run before the last one has stopped):
# one of them starts the reading, the other finds it.
_ONE_START = threading.Lock()


def read_ahead(matcher: Matcher, files: Sequence[Upload]) -> Reading | None:
    """The reading of the uploads: started now unless it is under way or done (a failed one is started
    again); the reading of other files is stopped and forgotten."""
    key, reader = uploads_key(files), document_reader()  # the parsers start with the page, before any upload
    with _ONE_START:
        held = st.session_state.get(READ_AHEAD)
        if isinstance(held, Reading):
            if held.key == key and not (held.future.done() and held.future.exception() is not None):
                return held
            held.stopped.set()  # never used for another set of files
        st.session_state.pop(READ_AHEAD, None)
        if not files:
            return None
        reading = Reading(key, matcher, files, threads=_reading_threads(), reader=reader)
        st.session_state[READ_AHEAD] = reading
        return reading


def screening_of(matcher: Matcher, files: Sequence[Upload]) -> Screening:
    """The batch the uploader holds, read whole: as read ahead (waited for, with a progress bar), or now."""
    reading = read_ahead(matcher, files)
    assert reading is not None  # files were given
    bar = None
    while not reading.future.done():
        bar = bar or st.progress(0.0, text="Reading the CVs…")
        bar.progress(reading.share, text=f"Read {reading.read} CV(s)…")
        wait([reading.future], timeout=0.2)
    if bar is not None:
        bar.empty()
    return reading.future.result()
