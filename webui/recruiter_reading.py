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

While the click waits, its progress bar moves only when what it shows changes
(a tenth more of the uploads gone through, or of a batch's most CVs read: a
ZIP is one upload), and at most every ``PROGRESS_EVERY_S``: each move is a
message the browser redraws the page for, so a batch gets at most
``PROGRESS_STEPS`` + 1 of them, however long its reading takes, and an
unchanged bar is never sent again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Protocol

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from hcdev_match.documents.document import DocumentLimits, DocumentReader, parser_workers
from hcdev_match.documents.gate import uploaded_name
from hcdev_match.documents.intake import BatchLimits
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.workflows.screening import Screening, read_screening

BATCH, LIMITS = BatchLimits(), DocumentLimits()
READ_AHEAD = "recruiter_read_ahead"  # the Reading of the uploads the uploader holds
PROGRESS_STEPS = 10  # the bar moves once a tenth of the uploads: a change a person sees, not one a file
PROGRESS_EVERY_S = 0.5  # and not more often than this: a fast reading's bar moves a few times, not ten


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
        self.step, self.share, self.read = 0, 0.0, 0  # how far it is: shown; the uploads' share, the CVs read
        self.moved = threading.Condition()  # told when the step changes and when the reading ends
        self.stopped = threading.Event()  # another set of files replaced this one: stop after the step
        contents = [(uploaded_name(f.name), f.getvalue) for f in files]  # bytes fetched in turn
        self.future: Future[Screening] = threads.submit(
            read_screening, matcher, contents, limits=LIMITS, batch=BATCH, progress=self._progress, reader=reader
        )
        self.future.add_done_callback(lambda _: self._tell())

    def _progress(self, share: float, read: int) -> None:
        if self.stopped.is_set():
            raise _Replaced
        step = min(PROGRESS_STEPS, max(int(share * PROGRESS_STEPS), read * PROGRESS_STEPS // BATCH.max_files))
        self.share, self.read = share, read
        step = max(step, self.step)  # only ever up
        if step != self.step:
            self.step = step
            self._tell()

    def _tell(self) -> None:
        with self.moved:
            self.moved.notify_all()

    def next_step(self, shown: int | None) -> int | None:
        """Wait until the step differs from ``shown`` (None: nothing shown yet) or the reading ends; the step
        to show then, or None once the reading has ended."""
        with self.moved:
            self.moved.wait_for(lambda: self.future.done() or self.step != shown)
        return None if self.future.done() else self.step


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


def screening_of(matcher: Matcher, files: Sequence[Upload], *, slot: DeltaGenerator) -> Screening:
    """The batch the uploader holds, read whole: as read ahead, or now, waited for with a progress bar in
    ``slot`` (a place the page keeps in every run, so that no element after it moves when the bar goes)."""
    reading = read_ahead(matcher, files)
    assert reading is not None  # files were given
    shown, drawn = None, 0.0
    while reading.next_step(shown) is not None:
        pause = drawn + PROGRESS_EVERY_S - time.monotonic()
        if shown is not None and pause > 0 and wait([reading.future], timeout=pause).done:
            break  # read in the meantime: no bar to move
        shown, drawn = reading.step, time.monotonic()  # the step reached by now (steps only go up)
        share = int(reading.share * PROGRESS_STEPS) / PROGRESS_STEPS  # a ZIP's stays at 0: its CVs are counted
        slot.progress(share, text="Reading the CVs…" if not shown else f"Read {reading.read} CV(s)…")
    if shown is not None:
        slot.empty()
    return reading.future.result()
