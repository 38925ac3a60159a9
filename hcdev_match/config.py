"""The matcher's options, with their defaults, in one frozen object, and the scale its fits are read on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "BAND_FLOORS",
    "DEFAULT_DATABASE",
    "DEFAULT_TIER_WEIGHTS",
    "FIT_BANDS",
    "FIT_SCALE",
    "TIERS",
    "MatchConfig",
    "band_of",
]

#: The SQLite file the app and the CLI use when no database URL is given, under the
#: folder they run from (the app: its checkout, whose var/ is git-ignored).
DEFAULT_DATABASE = Path("var", "hcdev.sqlite3")

#: The tiers a role's terms fall into, most important first.
TIERS: tuple[str, ...] = ("must_have", "nice_to_have", "general", "future", "keyword")

DEFAULT_TIER_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "must_have": 1.0,
        "nice_to_have": 0.5,
        "general": 0.25,
        "future": 0.25,
        "keyword": 0.3,
    }
)


#: Lower bound and meaning of each fit band, highest first (the README's fit scale).
FIT_BANDS: tuple[tuple[int, str, str], ...] = (
    (90, "strong", "clear healthcare software work covering most of what the role needs"),
    (60, "good", "healthcare software work with a solid share of the role's must-haves"),
    (30, "partial", "some relevant evidence: another specialism, or thin healthcare software work"),
    (0, "weak", "little evidence for this role, or work outside healthcare software"),
)
#: The bands' lower bounds above 0 as figures name them, lowest first: ("30+", "60+", "90+").
BAND_FLOORS: tuple[tuple[int, str], ...] = tuple((low, f"{low}+") for low, _, _ in reversed(FIT_BANDS) if low)
#: The scale in one line: "90+ strong, 60+ good, 30+ partial, below 30 weak".
FIT_SCALE = ", ".join(f"{low}+ {name}" for low, name, _ in FIT_BANDS if low) + (
    f", below {FIT_BANDS[-2][0]} {FIT_BANDS[-1][1]}"
)


def band_of(fit: float) -> str:
    """Name the band a fit falls in: strong, good, partial or weak."""
    for low, name, _ in FIT_BANDS:
        if fit >= low:
            return name
    return FIT_BANDS[-1][1]


@dataclass(frozen=True, kw_only=True)
class MatchConfig:
    """How text is turned into fits. Every field has a documented default.

    The scale's constants were set on the project's own samples
    (``data/samples``) and the real development sets together
    (``bench/calibration.py --search``); the README's "The fit scale" says how,
    and what the scale measures on real text (its bands: :data:`FIT_BANDS`).
    """

    #: Weight of each tier in a role's profile (see :data:`TIERS`).
    tier_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_TIER_WEIGHTS)
    #: Mentions of one term beyond this count add nothing (defeats repetition).
    term_cap: int = 3
    #: Strength of a term seen only in keyword-dense list lines, relative to
    #: a term seen in context (a skills list is weaker evidence than a sentence).
    listed_only_weight: float = 0.25
    #: A line is a keyword list when it names at least this many skills ...
    list_line_min_skills: int = 4
    #: ... and skill mentions make up at least this share of its words.
    list_line_min_density: float = 0.4
    #: Full coverage of a role is showing its this many heaviest terms (0:
    #: every term of the profile).
    profile_terms: int = 10
    #: Coverage of a role's profile at which the fit reaches 63% of its
    #: ceiling (fit = 100 * (1 - exp(-coverage / scale)) * domain).
    coverage_scale: float = 0.15
    #: Extra weight, in every role's profile, of terms that show a healthcare
    #: setting (0: none; 2: three times the weight of a software term).
    domain_term_boost: float = 2.0
    #: Evidence of software work at which that factor reaches 63% (a
    #: "software engineer" title that describes some work is software work).
    software_scale: float = 2.0
    #: Evidence of a healthcare setting at which that factor reaches 63% ...
    healthcare_scale: float = 4.0
    #: ... and how sharply it rises there (1: like the software factor; more:
    #: a brush with healthcare counts for little, a career in it for a lot).
    healthcare_shape: float = 2.0
    #: Fewer words than this raise the ``too_little_text`` flag.
    min_words: int = 80
    #: ``keyword_stuffing`` is raised by a keyword-list line pasted this many
    #: extra times (such a line then counts nothing) ...
    stuffing_list_copies: int = 2
    #: ... one term this many times in a line that is mostly that term (or
    #: a line naming a term this many times over) ...
    stuffing_line_repeats: int = 20
    #: ... or one term more often than this in the whole text and more than
    #: ``stuffing_share`` of its words (an honest CV names its main language
    #: or platform some thirty times at most, in a long text).
    stuffing_repeats: int = 30
    stuffing_share: float = 0.04
    #: A text whose skill mentions are mostly in keyword lists (this share of
    #: them, and at least ``stuffing_listed_min`` terms) gets the neutral
    #: ``mostly_listed`` note.
    stuffing_listed_share: float = 0.8
    stuffing_listed_min: int = 12
    #: A text at least "good" (the band) on this share of the roles, and on at
    #: least ``broad_roles_min`` of them, gets the neutral ``nearly_every_role``
    #: note: naming a role's skills in a sentence is enough to raise its fit, and
    #: few careers show every specialism (on the real dev sets a text is good on
    #: 4 of the 7 roles at most; a text naming every role's skills, on 6 or 7).
    broad_roles_share: float = 0.8
    broad_roles_min: int = 5
    #: Characters of context on each side of a matched skill's snippet.
    snippet_context: int = 60

    def __post_init__(self) -> None:
        missing = [tier for tier in TIERS if tier not in self.tier_weights]
        if missing:
            raise ValueError(f"tier_weights lacks {missing}; give a weight for each of {list(TIERS)}")
        negative = {k: v for k, v in self.tier_weights.items() if v < 0}
        if negative:
            raise ValueError(f"tier weights must be 0 or more, got {negative}")
        if self.term_cap < 1:
            raise ValueError(f"term_cap must be at least 1, got {self.term_cap}")
        for name in ("coverage_scale", "software_scale", "healthcare_scale"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if not 0 < self.broad_roles_share <= 1:
            raise ValueError(f"broad_roles_share must be above 0 and at most 1, got {self.broad_roles_share}")
        # Freeze a caller's plain dict so the config stays hashable in spirit.
        object.__setattr__(self, "tier_weights", MappingProxyType(dict(self.tier_weights)))
