"""Coverage-guided fuzzing of text extraction with atheris.

Each input becomes a file of one of the accepted types (.pdf, .docx, .txt,
.md) and goes through the same three steps as `read_documents`: validate,
parse within the caps (the parser child's own `parse_one`), accept or
refuse. They run in this process, not in the sandbox child, because the
fuzzer can only steer by the coverage of code it can see. A finding is
anything but a `Document` or a `DocumentError`: an untyped exception, a
crash, a parse that outlives its alarm (atheris' -timeout) or memory
beyond -rss_limit_mb.

    python tests/fuzz_documents.py --seeds DIR [libFuzzer flags] [CORPUS_DIR ...]

`--seeds DIR` writes the seed files (real PDFs, DOCX, ZIP and CSV, the
hostile corpus, text) into DIR first; `make fuzz` runs it for ten minutes,
tests/test_fuzz.py for a short while on every `make test`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["hcdev_match", "pypdf", "docx"]):
    # The parsers import pypdf and python-docx lazily; import them here so
    # that they are instrumented too and the fuzzer can steer through them.
    import docx  # noqa: F401
    import pypdf  # noqa: F401

    from hcdev_match.documents import intake as uploads
    from hcdev_match.documents import parsers
    from hcdev_match.documents.document import (
        DocumentLimits,
        _finish,  # the private steps of read_documents, run here without the sandbox child
        _read_text,
    )
    from hcdev_match.documents.gate import ZIP_READ_ERRORS, validate_file
    from hcdev_match.errors import DocumentError

SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".zip", ".csv")
BATCH = uploads.BatchLimits(max_files=20, max_bytes=1024 * 1024, max_csv_bytes=256 * 1024)
# Small caps keep each execution short; the checks are the same as the app's.
LIMITS = DocumentLimits(max_bytes=256 * 1024, max_pages=10, max_chars=20_000, timeout_s=5)


def read_fuzzed(data: bytes) -> object:
    """One input as one upload: the first byte picks the type, the rest is the file.

    A recruiter's ZIP or CSV is expanded into its entries (each of which
    would then be read as above).
    """
    if not data:
        return None
    name = "fuzzed" + SUFFIXES[data[0] % len(SUFFIXES)]
    payload = data[1:]
    try:
        if name.endswith((".zip", ".csv")):
            return [expand_entry(entry) for entry in uploads._entries(name, payload, LIMITS, BATCH)]
        kind = validate_file(payload, name, LIMITS)
        if kind not in ("pdf", "docx"):
            return _read_text(payload, name, kind, LIMITS)
        reply = parsers.parse_one(
            kind, payload, seconds=int(LIMITS.timeout_s), max_pages=LIMITS.max_pages, max_chars=LIMITS.max_chars,
            max_stream_bytes=LIMITS.max_stream_bytes,
        )  # fmt: skip
        return _finish(kind, name, reply, LIMITS)
    except DocumentError:
        return None  # a refusal with a message is the right answer to a bad file


def expand_entry(entry: object) -> object:
    """One entry of a ZIP or CSV, expanded as read_batch does (within the file cap)."""
    if isinstance(entry, uploads.UploadItem):
        return entry
    try:
        return entry.fetch(LIMITS.max_bytes + 1)  # type: ignore[attr-defined]
    except (uploads._OverAllowance, *ZIP_READ_ERRORS):
        return None  # refused as too large or damaged, as read_batch does


def write_seeds(folder: Path) -> None:
    """Real and hostile files, each prefixed with the byte that selects its type."""
    import io
    import zipfile

    from tests.files import CV_LINES, hostile_corpus, make_docx, make_pdf

    folder.mkdir(parents=True, exist_ok=True)
    batch = io.BytesIO()
    with zipfile.ZipFile(batch, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", "\n".join(CV_LINES))
        archive.writestr("b.pdf", make_pdf(CV_LINES))
    files = {
        "cv.pdf": make_pdf(CV_LINES),
        "cv.docx": make_docx(CV_LINES),
        "cv.txt": "\n".join(CV_LINES).encode(),
        "batch.zip": batch.getvalue(),
        "batch.csv": ("id,text\n1," + " ".join(CV_LINES) + '\n2,"EHR, FHIR ""quoted"""\n').encode(),
        **{f"{case}{Path(name).suffix}": data for case, (name, data) in hostile_corpus(LIMITS.max_bytes).items()},
    }
    for name, data in files.items():
        if len(data) <= LIMITS.max_bytes:  # seeds the fuzzer can still mutate quickly
            (folder / name).write_bytes(bytes([SUFFIXES.index(Path(name).suffix)]) + data)


def main(argv: list[str]) -> None:
    if "--seeds" in argv:
        at = argv.index("--seeds")
        folder = Path(argv[at + 1])
        write_seeds(folder)
        argv = [*argv[:at], *argv[at + 2 :], str(folder)]
    atheris.Setup(argv, read_fuzzed)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
