"""The recruiter page: 200 one-page CVs from upload to ranked table, and re-ranking.

Both are measured through the page itself (Streamlit's AppTest runs the
real script in this process, so this is the server's side of a click).
The baseline, measured in the same run, is the plain way to get the same
text: pypdf extracting every PDF in this process, with no checks, no
sandbox and no scoring.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate_cvs  # noqa: E402
from fpdf import FPDF  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from hcdev_match.storage.accounts import add_user  # noqa: E402
from hcdev_match.storage.store import Store, utc_now  # noqa: E402
from webui import NO_BROWSER  # noqa: E402

COUNT = 200


def one_page_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    pdf.add_page()
    pdf.multi_cell(0, 4.2, text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        texts = [p.read_text() for p in generate_cvs(Path(tmp) / "cvs", COUNT, seed=5, length=(380, 450))]
        pdfs = [(f"cv_{n:03d}.pdf", one_page_pdf(text)) for n, text in enumerate(texts)]
        pages = {len(PdfReader(io.BytesIO(data)).pages) for _, data in pdfs}
        start = time.perf_counter()
        for _, data in pdfs:
            "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
        baseline = time.perf_counter() - start

        import os

        url = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["HCDEV_DATABASE_URL"] = url
        store = Store.from_url(url)
        user = add_user(store, "bench", role="recruiter", password="benchmark password")
        at = AppTest.from_file(str(ROOT / "pages" / "3_Recruiter.py"), default_timeout=120)
        now = utc_now()
        at.session_state["auth"] = {"name": "bench", "role": "recruiter", "user_id": user.id,
                                    "signed_in_at": now, "last_seen": now, "browser": NO_BROWSER}  # fmt: skip
        at.run()  # first run: the page, the model
        at.file_uploader(key="batch_files").set_value([(n, d, "application/pdf") for n, d in pdfs]).run()
        start = time.perf_counter()
        at.button(key="rank_batch").click().run()
        to_table = time.perf_counter() - start
        assert not at.exception and len(at.dataframe[0].value) == COUNT, at.exception
        reranks = []
        for n in range(10):
            start = time.perf_counter()
            at.slider(key="weight_must").set_value(0.5 + n * 0.1).run()
            reranks.append(time.perf_counter() - start)
    print(f"recruiter page: {COUNT} one-page PDF CVs ({sorted(pages)} page), AppTest in-process")
    print(f"  upload to ranked table (read, sandboxed parse, score, rank, draw): {to_table:.2f} s (floor: at most 5 s)")
    print(f"  baseline, plain pypdf extraction of the same PDFs: {baseline:.2f} s; ratio {to_table / baseline:.2f}")
    print(
        f"  re-rank after a weight change (whole page rerun): {statistics.median(reranks) * 1000:.0f} ms median of 10 "
        f"(max {max(reranks) * 1000:.0f} ms; floor: at most 300 ms)"
    )


if __name__ == "__main__":
    main()
