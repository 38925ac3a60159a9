"""Reading a job posting as an opening: its title, and what each part of it asks for.

A posting says in its own sections and wording what it requires and what it would merely like:
"Requirements", "Must have", "What you'll need" head the first; "Nice to have", "Preferred", "Bonus"
the second, and a sentence can say so itself ("... is a plus", "... strongly preferred", "... required").
What describes the work ("Responsibilities", "About the role") tells the context. Benefits, salary,
equal-opportunity text and how to apply say nothing about the work and are left out.

Scraped postings often lose their line breaks ("...required.Required Qualifications:..."), so a
capitalised heading followed by a colon starts a section wherever it stands; glued sentences are cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .tokenizer import tokenize

__all__ = ["BOILERPLATE", "DESCRIBED", "PREFERRED", "REQUIRED", "PostingParts", "heading_kind", "read_posting"]

REQUIRED, PREFERRED, DESCRIBED, BOILERPLATE = "required", "preferred", "described", "boilerplate"

# Headings of each kind of section, as patterns over the heading's lower-case word tokens
# (so "What you'll need:", "WHAT YOU'LL NEED" and "What youll need" are one heading).
_HEADINGS: dict[str, str] = {
    REQUIRED: (
        r"(?:(?:minimum|basic|required|essential|key|core|technical|job) )?(?:requirements|qualifications)"
        r"|requirements? for .*|(?:required|essential|key|core|technical|must have) (?:skills|experience|criteria)"
        r"|must haves?|what (?:you ?ll|you will|you) (?:need|bring|have)(?: to .*)?|what we ?re looking for"
        r"|what we (?:are )?(?:need|looking for|expect)|other requirements|who you are|about you|you have"
        r"|you should have|skills required|experience required|skills (?:and )?(?:experience|qualifications)"
        r"|your (?:skills|experience|profile|background)(?: and experience)?"
        r"|essential(?: criteria)?|tech(?:nical)? stack|skills|(?:the )?ideal candidate.*|you should apply if"
        r"|education(?: or equivalent experience)?"
    ),
    PREFERRED: (
        r"nice to haves?|(?:preferred|desired|desirable|bonus|additional|optional) "
        r"(?:qualifications|skills|experience|criteria)|preferred|desirable|desired|bonus(?: points)?|pluses"
        r"|wish ?list|good to have|extra credit|impress us.*|ideally.*|even better.*|it would be great if.*"
        r"|(?:what )?we ?(?:d|would) (?:love|like) to see.*|(?:a )?(?:bonus|plus) if .*|.*stand out"
    ),
    DESCRIBED: (
        r"(?:primary |key |main |your )?responsibilities|duties"
        r"|what (?:you ?ll|you will) (?:be )?(?:do|doing|build|building|work on|working on)"
        r"|what (?:this|the) (?:role|job|position) (?:entails|involves|is about)|in your first .*"
        r"|(?:about )?(?:the|this) (?:role|job|position|opportunity|team)"
        r"|(?:job |position |role )?(?:description|summary)"
        r"|overview|(?:the )?mission|(?:the )?challenge|team|day to day.*|who we are|what we do|about .*"
    ),
    BOILERPLATE: (
        r"benefits.*|perks.*|why join.*|why you should apply.*|why work .*|compensation.*|stay in touch"
        r"|salary.*|pay(?: range)?|equal (?:employment )?opportunit.*|eeo.*|diversity.*|how to apply.*"
        r"|apply.*|to apply|(?:the )?interview process|privacy.*|our (?:core )?values.*|culture"
        r"|location|additional information|for (?:more|further) (?:information|details).*|contact.*|life at .*"
        r"|our opportunity|what we (?:can )?offer.*"
    ),
}
# A heading that names any of these is small print, whatever else it says ("Pay & Benefits").
_BOILERPLATE_HEADING = re.compile(
    r"\b(?:benefits?|perks|salary|compensation|pay|equal|eeo\w*|diversity|inclusion|privacy|apply|rewards)\b"
)
_HEADING_RE = {kind: re.compile(rf"(?:{pattern})") for kind, pattern in _HEADINGS.items()}
# A heading in a line: capitalised, after a sentence's end (or glued: "improvementRequired Skills:"), before a
# colon. Runs here are bounded or begin where a run begins: else "A-A-A-..." is scanned from each character.
_INLINE = re.compile(
    r"(?:(?<=[.!?;)\-a-z])|(?<=[a-z.]\s)|^)\s*((?:[A-Z][\w'’-]{,39})(?: (?:[A-Za-z][\w'’-]{,39}|&)){0,4})\s*:\s*(?=\S)"
)
_BARE_INLINE = re.compile(r"(?:(?<=[.!?;)\-–—])|(?<=[.!?;]\s))\s*([A-Z][a-z]+(?: (?:[A-Z][a-z]+|to|of|and|&)){1,3})")
_LOST_BREAK = re.compile(r"(?<=[a-z,)]) (?=[A-Z][a-z]+ )")
_LONG_SENTENCE = 40  # words
_MARKUP = " \t#*_>`|-=\\:"
_LINK = re.compile(r"\[([^\[\]]{0,500})\]\([^)]{0,2000}\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # a title's NUL, ESC ...: PostgreSQL, terminals
# Sentences and bullets; "required.Significant" is two sentences that lost their space.
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|(?<=[a-z)][.!?])(?=[A-Z])|(?<!\s)\s+[•·▪●◦‣]\s*|(?<!\s)\s+-\s+(?=[A-Z])")
# A sentence's own wording about how much a skill matters; it outranks its section.
_PREFERRED_WORDS = re.compile(
    r"\b(?:preferred|a plus|nice to have|bonus|desirable|desired|ideally|advantageous|beneficial|not required"
    r"|would be great|is an asset|a strong plus|optional|good to have)\b",
    re.I,
)
_REQUIRED_WORDS = re.compile(r"\b(?:required|must|essential|mandatory|requirements?|minimum of)\b", re.I)
# Small print inside any section: it buys no skill.
_BOILERPLATE_WORDS = re.compile(
    r"\b(?:equal (?:employment )?opportunit\w*|eeo|salary|pay range|compensation|401 ?\(?k\)?|paid time off"
    r"|parental leave|health insurance|dental|vision insurance|visa sponsorship|apply (?:now|today|here|at)"
    r"|to apply|how to apply|benefits (?:include|package)|disability|veteran status|sexual orientation"
    r"|gender identity|national origin|background check|drug (?:test|screen)|reasonable accommodation"
    r"|benefits?|vacation|holidays|wellness|retirement|stock options|pto|perks|sponsorship|third parties"
    r"|submit your (?:resume|cv|application)|send your (?:resume|cv))\b",
    re.I,
)
_MAX_HEADING_WORDS = 8


@dataclass(frozen=True)
class PostingParts:
    """A posting cut into what it requires, prefers, describes and leaves as boilerplate."""

    title: str
    #: The sentences of each kind, one per line.
    required: str
    preferred: str
    described: str
    #: Words left out as boilerplate (benefits, salary, equal opportunity, how to apply).
    ignored_words: int
    #: The posting has requirements of its own (a section or a sentence saying so).
    states_requirements: bool
    #: Words in the required and preferred sentences that look like a tool or
    #: a standard (capitalised inside a sentence, an acronym, "Node.js") and
    #: the catalogue does not know (``knows``): what it cannot match automatically.
    unknown: tuple[str, ...]


def read_posting(text: str, *, knows: Callable[[str], bool] | None = None, max_unknown: int = 20) -> PostingParts:
    """Cut ``text`` into its kinds of sentences (module docs); ``knows`` says whether the
    catalogue knows a name, for :attr:`PostingParts.unknown` (without it, none is listed)."""
    kinds: dict[str, list[str]] = {REQUIRED: [], PREFERRED: [], DESCRIBED: [], BOILERPLATE: []}
    section = DESCRIBED
    stated = False
    for line in text.splitlines():
        line = _LINK.sub(r"\1", line).strip()
        if not line:
            continue
        for heading, body in _split_inline(line):
            if heading is not None:
                section = heading
                stated = stated or heading == REQUIRED
            for sentence in _sentences(body):
                if sentence.strip(_MARKUP):
                    kind = _kind_of(sentence, section)
                    stated = stated or kind == REQUIRED
                    kinds[kind].append(sentence.strip())
    asked = kinds[REQUIRED] + kinds[PREFERRED]
    return PostingParts(
        title=_title(text)[:120],  # shown, and repeated on every row of an export
        required="\n".join(kinds[REQUIRED]),
        preferred="\n".join(kinds[PREFERRED]),
        described="\n".join(kinds[DESCRIBED]),
        ignored_words=sum(len(s.split()) for s in kinds[BOILERPLATE]),
        states_requirements=stated,
        unknown=_unknown(asked, knows, max_unknown) if knows else (),
    )


def _sentences(body: str) -> list[str]:
    """Sentences and bullets; a run far longer than a sentence (a scraped list that lost its breaks)
    is cut where a capitalised word follows a lower-case one."""
    out = []
    for sentence in _SENTENCE.split(body):
        out += _LOST_BREAK.split(sentence) if sentence.count(" ") > _LONG_SENTENCE else [sentence]
    return out


def heading_kind(line: str) -> str | None:
    """The kind of section a heading line opens, or None when it is no known heading."""
    tokens = tokenize(line.lower())
    if not tokens or len(tokens) > _MAX_HEADING_WORDS:
        return None
    words = " ".join(tokens)
    found = next((kind for kind, pattern in _HEADING_RE.items() if pattern.fullmatch(words)), None)
    return found or (BOILERPLATE if _BOILERPLATE_HEADING.search(words) else None)


def _split_inline(line: str) -> list[tuple[str | None, str]]:
    """``(kind of the heading that starts a part or None, the part's text)`` for one line."""
    bare = line.strip(_MARKUP)
    _, colon, rest = bare.partition(":")
    own_line = not (colon and rest.strip())  # "Nice to have: FHIR" is a heading and its first item
    if (
        own_line
        and (line.lstrip().startswith("#") or len(bare.split()) <= _MAX_HEADING_WORDS)
        and not _ends_sentence(bare)
    ):
        kind = heading_kind(bare)
        if kind is not None:
            return [(kind, "")]
        if line.lstrip().startswith("#"):
            return [(DESCRIBED, "")]  # another heading ("### Milliman"): a new part about the work
    parts: list[tuple[str | None, str]] = []
    at, pending = 0, None
    for start, end, kind in _headings_in(line):
        if start < at:
            continue  # inside a heading already taken
        parts.append((pending, line[at:start]))
        at, pending = end, kind
    parts.append((pending, line[at:]))
    return [(kind, body) for kind, body in parts if kind is not None or body.strip()]


def _headings_in(line: str) -> list[tuple[int, int, str]]:
    """Headings inside a line: ``(start, end, kind)``, in order.

    One before a colon ("Requirements: ..."), or, where a scraped posting lost
    its colon too, a capitalised one of two words or more right after a
    sentence's end ("...the team.Required Qualifications 4+ years ...").
    """
    found = []
    for match in _INLINE.finditer(line):
        kind = heading_kind(match.group(1))
        if kind is not None:
            found.append((match.start(1), match.end(), kind))
    for match in _BARE_INLINE.finditer(line):
        words = match.group(1).split()
        for n in range(len(words), 1, -1):
            kind = heading_kind(" ".join(words[:n]))
            if kind is not None:
                found.append((match.start(1), match.start(1) + len(" ".join(words[:n])), kind))
                break
    return sorted(found)


def _ends_sentence(line: str) -> bool:
    return line.endswith((".", "!", "?")) and len(line.split()) > 3


def _kind_of(sentence: str, section: str) -> str:
    if section == BOILERPLATE or _BOILERPLATE_WORDS.search(sentence):
        return BOILERPLATE
    if _PREFERRED_WORDS.search(sentence):
        return PREFERRED
    if section == DESCRIBED and _REQUIRED_WORDS.search(sentence):
        return REQUIRED
    return section


def _title(text: str) -> str:
    """The posting's first line that reads as a title: short, not a heading of a section."""
    for line in text.splitlines()[:12]:
        bare = _CONTROL.sub("", _LINK.sub(r"\1", line)).strip(_MARKUP)
        if not bare or heading_kind(bare) is not None or "://" in bare or "@" in bare:
            continue
        words = bare.split()
        if len(words) <= 12 and not _ends_sentence(bare):
            return bare
        first = _SENTENCE.split(bare, maxsplit=1)[0].rstrip(".")  # a scraped posting: its first sentence
        return first if len(first.split()) <= 12 else " ".join(words[:10]) + " …"
    return "Untitled opening"


# Words capitalised inside a sentence that are still plain English in a posting.
_PLAIN = ENGLISH_STOP_WORDS | frozenset(
    ("experience", "strong", "excellent", "knowledge", "ability", "years", "year", "degree", "bachelor", "bachelors")
    + ("master", "masters", "phd", "bs", "ms", "ba", "usa", "uk", "eu", "equivalent", "related", "field")
)
_CANDIDATE = re.compile(
    r"(?<![\w.])(?:[A-Z][\w+#-]*[\w+#](?:\.[A-Za-z]{2,})*|[a-z]{2,}\.[a-z]{2,}|[a-z]{1,2}[A-Z]\w*)(?![\w])"
)


def _unknown(sentences: list[str], knows: Callable[[str], bool], limit: int) -> tuple[str, ...]:
    """Tool-like names in the sentences that ``knows`` does not know, in order, each once.

    A name is a run of capitalised words ("InterSystems IRIS", "Zorblax Studio"). Capitalised
    English is everywhere in a posting ("Strong Communication", "United States"), so a name
    counts when a word of it looks made (an acronym, "doxy.me", "JavaScript", "H2") or where a
    list puts a tool: after "with", "using", a comma or a colon, or as a short list item.
    """
    out: dict[str, None] = {}
    checked: set[str] = set()
    for sentence in sentences:
        bare = sentence.strip(_MARKUP)
        item = len(bare.split()) <= 4
        names: list[tuple[int, list[str]]] = []
        end = -2
        for match in _CANDIDATE.finditer(bare):
            word = match.group(0).rstrip(".")
            if len(word) < 3 or all(t in _PLAIN or t.isdigit() for t in tokenize(word.lower())):
                continue
            if names and match.start() == end + 1 and bare[end] == " ":
                names[-1][1].append(word)
            else:
                names.append((match.start(), [word]))
            end = match.start() + len(word)
        for start, words in names:
            name = " ".join(words)
            listed = (start == 0 and item) or _LIST_BEFORE.search(bare[max(0, start - 12) : start]) is not None
            if not (listed or any(map(_made, words))) or name in out or name in checked:
                continue
            if len(checked) >= 10 * limit:
                return tuple(out)  # a text of nothing but names: the first ones are enough for a person to read
            checked.add(name)
            if not knows(name):
                out[name] = None
                if len(out) >= limit:
                    return tuple(out)
    return tuple(out)


_LIST_BEFORE = re.compile(r"(?:[,;/(:&]|\b(?:with|using|and|or|including|like|in|of))\s*$", re.I)


def _made(word: str) -> bool:
    """A word no dictionary holds: an acronym of three letters or more, inner capitals, digits, symbols."""
    return (word.isupper() and len(word) > 2) or word[1:] != word[1:].lower() or any(c in word for c in ".+#0123456789")
