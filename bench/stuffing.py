"""Stuffing that buys nothing: real dev CVs with stuffing added, scored against the originals.

The CVs are read in place from ../shared/eval (dev_cvs.jsonl, and the
``kind == "cv"`` items of dev.jsonl), never copied or printed, and stuffed
towards other roles: ``keyword_line`` (a "Keywords:" line of 25 of the
role's terms, pasted five times), ``term_spam`` (its first must-have term,
50 times), ``pasted_posting`` (a real posting of the role from dev.jsonl);
and the keyword lines hidden in a DOCX (``docx_white``, ``docx_one_point``,
``docx_vanish``) or a PDF (``pdf_invisible``, ``pdf_white``) built from the
CV and read through the real upload path, towards the role whose visible
keyword lines would lift that CV most. The terms are the catalogue's own
aliases, the harshest choice. A text kind is scored against the CV's text,
a document kind against the same CV as the same kind of file with nothing
hidden. Per kind: the share raising ``keyword_stuffing``, the mean and max
lift of the best fit, and the ``none`` CVs lifted from below 30 to 30 or
more (issue 11's target: the flag on 90% of each kind, none lifted).
``measure_stuffing()`` returns the same figures as rows, for tests.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import docx  # noqa: E402
from docx.shared import Pt, RGBColor  # noqa: E402
from fpdf import FPDF  # noqa: E402

from hcdev_match.documents.document import read_documents  # noqa: E402
from hcdev_match.scoring.matcher import Matcher  # noqa: E402

EVAL_DIR = ROOT.parent / "shared" / "eval"
FLAG = "keyword_stuffing"
NONE = "none"
#: The fit a ``none`` CV must not reach by stuffing ("partial" starts here).
PARTIAL = 30.0
TERMS, REPEATS, SPAM = 25, 5, 50
TEXT_KINDS = ("keyword_line", "term_spam", "pasted_posting")
DOCUMENT_KINDS = ("docx_white", "docx_one_point", "docx_vanish", "pdf_invisible", "pdf_white")
KINDS = TEXT_KINDS + DOCUMENT_KINDS
#: Unicode fonts fpdf can embed, so real CVs' dashes and accents survive; the
#: built-in Helvetica (Latin-1 only) is the fallback.
_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Cv:
    id: str
    text: str
    label: str


@dataclass(frozen=True)
class StuffingRow:
    """One kind of stuffing over every CV and target role."""

    kind: str
    texts: int
    flagged: float  # share of stuffed texts raising keyword_stuffing
    mean_lift: float  # best fit, stuffed minus original
    max_lift: float
    none_at_30: int  # none-labelled CVs at 30 or more (after stuffing, for a stuffed kind)
    none_lifted: int  # none-labelled CVs lifted from below 30 to 30 or more
    none_cvs: int


def load_cvs(eval_dir: Path = EVAL_DIR) -> tuple[list[Cv], dict[str, list[str]]]:
    """The dev CVs, and the dev postings' texts by role (never copied, never printed)."""
    cvs: list[Cv] = []
    postings: dict[str, list[str]] = {}
    for name in ("dev_cvs.jsonl", "dev.jsonl"):
        for line in (eval_dir / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("kind") == "posting" and item["label"] != NONE:
                postings.setdefault(item["label"], []).append(item["text"])
            elif item.get("kind", "cv") == "cv":
                cvs.append(Cv(item["id"], item["text"], item["label"]))
    return cvs, postings


def _terms(matcher: Matcher, role: str) -> list[str]:
    role_def = matcher.catalogue.roles[role]
    skills = [matcher.catalogue.skills[s] for s in (*role_def.must_have, *role_def.nice_to_have)]
    terms = [s.aliases[0] if s.aliases else s.exact[0] for s in skills if s.aliases or s.exact]
    return list(dict.fromkeys(terms + list(role_def.keywords)))[:TERMS]


def _keyword_lines(matcher: Matcher, role: str) -> list[str]:
    return ["Keywords: " + ", ".join(_terms(matcher, role))] * REPEATS


def stuff_text(kind: str, cv: Cv, role: str, matcher: Matcher, postings: dict[str, list[str]]) -> str | None:
    """The CV's text with one text-level stuffing towards ``role`` (None when there is no posting)."""
    if kind == "keyword_line":
        return cv.text + "\n\n" + "\n".join(_keyword_lines(matcher, role))
    if kind == "term_spam":
        return cv.text + "\n\n" + " ".join([_terms(matcher, role)[0]] * SPAM)
    options = postings.get(role)
    if not options:
        return None
    return cv.text + "\n\n" + options[len(cv.id) % len(options)]  # a fixed choice per CV


def _lines(text: str) -> list[str]:
    text = _XML_UNSAFE.sub("", text.replace("\t", " "))
    return [line for line in text.splitlines() if line.strip()]


def build_docx(text: str, hidden: Sequence[str] = (), *, how: str = "") -> bytes:
    """A DOCX of the CV's lines, then ``hidden`` lines made invisible ``how`` (white, one_point, vanish)."""
    document = docx.Document()
    for line in _lines(text):
        document.add_paragraph(line)
    for line in hidden:
        run = document.add_paragraph().add_run(line)
        if how == "white":
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        elif how == "one_point":
            run.font.size = Pt(1)
        else:
            run.font.hidden = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_pdf(text: str, hidden: Sequence[str] = (), *, how: str = "") -> bytes:
    """A PDF of the CV's lines, then ``hidden`` lines drawn ``how`` (invisible render mode, white)."""
    # fpdf warns of each glyph the font lacks; the warning would quote the CV.
    logging.getLogger("fpdf").setLevel(logging.ERROR)
    pdf = FPDF()
    font = next((path for path in _FONTS if path.exists()), None)
    if font is not None:
        pdf.add_font("cv", fname=str(font))
        pdf.set_font("cv", size=10)
    else:
        pdf.set_font("helvetica", size=10)
    pdf.add_page()

    def write(line: str) -> None:
        if font is None:
            line = line.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")

    for line in _lines(text):
        write(line)
    with pdf.local_context():
        if how == "invisible":
            pdf.text_mode = "INVISIBLE"
        else:
            pdf.set_text_color(255, 255, 255)
        for line in hidden:
            write(line)
    return bytes(pdf.output())


_BUILDERS: dict[str, tuple[str, Callable[..., bytes], str]] = {
    "docx_white": ("cv.docx", build_docx, "white"),
    "docx_one_point": ("cv.docx", build_docx, "one_point"),
    "docx_vanish": ("cv.docx", build_docx, "vanish"),
    "pdf_invisible": ("cv.pdf", build_pdf, "invisible"),
    "pdf_white": ("cv.pdf", build_pdf, "white"),
}


def _score(matcher: Matcher, texts: Sequence[str], flags: Sequence[tuple[str, ...]]) -> list[tuple[float, bool]]:
    """Best fit and whether keyword_stuffing is raised, merging the document's flags as every page does."""
    assessments = matcher.assess_many(texts, snippets=False)
    return [(a.best.fit, FLAG in a.flags or FLAG in f) for a, f in zip(assessments, flags, strict=True)]


def _read(matcher: Matcher, files: list[tuple[str, bytes]]) -> list[tuple[float, bool]]:
    documents = read_documents(files)
    texts, flags = [], []
    for name_data, document in zip(files, documents, strict=True):
        if isinstance(document, Exception):
            raise RuntimeError(f"stuffing bench: a built {name_data[0]} was refused: {document}")
        texts.append(document.text)
        flags.append(document.flags)
    return _score(matcher, texts, flags)


def _row(kind: str, cvs: list[Cv], pairs: list[tuple[int, str, float, bool]], base: list[float]) -> StuffingRow:
    lifts = [fit - base[i] for i, _, fit, _ in pairs]
    at_30 = {i for i, _, fit, _ in pairs if cvs[i].label == NONE and fit >= PARTIAL}
    lifted = {i for i in at_30 if base[i] < PARTIAL}
    return StuffingRow(
        kind=kind,
        texts=len(pairs),
        flagged=sum(flag for *_, flag in pairs) / max(1, len(pairs)),
        mean_lift=sum(lifts) / max(1, len(lifts)),
        max_lift=max(lifts, default=0.0),
        none_at_30=len(at_30),
        none_lifted=len(lifted),
        none_cvs=sum(cv.label == NONE for cv in cvs),
    )


def measure_stuffing(
    matcher: Matcher | None = None, *, eval_dir: Path = EVAL_DIR, kinds: Sequence[str] = KINDS
) -> list[StuffingRow]:
    """One row for the untouched originals (``original``, and as DOCX and PDF), then one per kind.

    The text kinds stuff every CV towards every role but its own; the
    document kinds towards one role per CV (see ``_document_rows``).
    """
    matcher = matcher or Matcher.from_paths()
    cvs, postings = load_cvs(eval_dir)
    base_scores = _score(matcher, [cv.text for cv in cvs], [()] * len(cvs))
    base = [fit for fit, _ in base_scores]
    rows = [_row("original", cvs, [(i, "", fit, flag) for i, (fit, flag) in enumerate(base_scores)], base)]
    targets = [(i, role) for i, cv in enumerate(cvs) for role in matcher.roles if role != cv.label]
    for kind in (k for k in kinds if k in TEXT_KINDS):
        stuffed = [(i, role, stuff_text(kind, cvs[i], role, matcher, postings)) for i, role in targets]
        kept = [(i, role, text) for i, role, text in stuffed if text is not None]
        scores = _score(matcher, [text for *_, text in kept], [()] * len(kept))
        pairs = [(i, role, fit, flag) for (i, role, _), (fit, flag) in zip(kept, scores, strict=True)]
        rows.append(_row(kind, cvs, pairs, base))
    if any(k in DOCUMENT_KINDS for k in kinds):
        rows += _document_rows(matcher, cvs, base, [k for k in kinds if k in DOCUMENT_KINDS])
    return rows


def _worst_roles(matcher: Matcher, cvs: list[Cv]) -> list[str]:
    """Per CV, the role its visible keyword lines lift most: the one a CV writer would hide."""
    others = [[role for role in matcher.roles if role != cv.label] for cv in cvs]
    texts = [
        cv.text + "\n\n" + "\n".join(_keyword_lines(matcher, r))
        for cv, roles in zip(cvs, others, strict=True)
        for r in roles
    ]
    fits = iter(a.best.fit for a in matcher.assess_many(texts, snippets=False))
    return [max((next(fits), role) for role in roles)[1] for roles in others]


def _document_rows(matcher: Matcher, cvs: list[Cv], base: list[float], kinds: list[str]) -> list[StuffingRow]:
    """Each CV as a file with the keyword lines hidden, towards its worst role, through the upload path.

    One role per CV, not all of them: building and parsing files is slow,
    and what a hidden block could buy does not depend on the role it names.
    """
    rows = []
    roles = _worst_roles(matcher, cvs)
    clean: dict[str, list[float]] = {}
    for kind in kinds:
        name, build, how = _BUILDERS[kind]
        if name not in clean:  # the same CVs as files with nothing hidden: the baseline of the kind
            scores = _read(matcher, [(name, build(cv.text)) for cv in cvs])
            clean[name] = [fit for fit, _ in scores]
            label = f"original_{name.rsplit('.', 1)[1]}"
            rows.append(_row(label, cvs, [(i, "", f, g) for i, (f, g) in enumerate(scores)], base))
        files = [
            (name, build(cv.text, _keyword_lines(matcher, role), how=how)) for cv, role in zip(cvs, roles, strict=True)
        ]
        scores = _read(matcher, files)
        pairs = [(i, role, fit, flag) for i, (role, (fit, flag)) in enumerate(zip(roles, scores, strict=True))]
        rows.append(_row(kind, cvs, pairs, clean[name]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--kinds", nargs="*", choices=KINDS, default=list(KINDS))
    args = parser.parse_args()
    if not (args.eval_dir / "dev_cvs.jsonl").exists() or not (args.eval_dir / "dev.jsonl").exists():
        print(f"stuffing: {args.eval_dir} lacks dev_cvs.jsonl or dev.jsonl; pass --eval-dir")
        return
    rows = measure_stuffing(eval_dir=args.eval_dir, kinds=args.kinds)
    print("stuffing on the dev CVs (target: flag on >= 90% of each kind, no none CV lifted to 30)")
    print("  (lift: best fit minus the original's; an original file's lift is what reading it as a file changed)")
    print(f"  {'kind':<16}{'texts':>6}{'flagged':>9}{'mean lift':>11}{'max lift':>10}{'none >=30':>11}{'lifted':>8}")
    for row in rows:
        print(
            f"  {row.kind:<16}{row.texts:>6}{row.flagged:>9.0%}{row.mean_lift:>11.1f}{row.max_lift:>10.1f}"
            f"{f'{row.none_at_30}/{row.none_cvs}':>11}{row.none_lifted:>8}"
        )
    failing = [r.kind for r in rows if not r.kind.startswith("original") and (r.flagged < 0.9 or r.none_lifted)]
    print(f"  below target: {', '.join(failing) if failing else 'none'}")


if __name__ == "__main__":
    main()
