"""The session_state keys the app sets itself (widgets add theirs under their `key=`).

Every change of who uses the tab (sign-in, sign-out, expiry, another
account) clears the whole session state, these and the widgets' alike, but
the sign-in machinery (`SIGN_IN_KEYS`), so a key forgotten here still cannot
outlive its person (`webui.sessions.hold_for`).
"""

from __future__ import annotations

__all__ = [
    "AFRESH", "AUTH_KEY", "BATCH_ID", "BATCH_NOTE", "COMPARE_OPEN", "COOKIE_PENDING", "CV_FILE", "CV_TEXT", "DECIDED",
    "ERASE_MESSAGE", "EXPLAIN_OPEN", "EXPLAIN_ROLE", "FIT_CHECK", "FIT_ERROR", "IDENTITY", "OWNER", "RANKING",
    "RESUME_TRIED", "SAVED", "SAVED_BASIS", "SAVED_RESULT", "SAVE_ERROR", "SCORED_TEXT_OPEN", "SIGNIN_NOTICE",
    "SIGN_IN_KEYS", "VIEWED",
]  # fmt: skip

AUTH_KEY = "auth"  # {"name", "role", "user_id", "signed_in_at", "last_seen", "browser"}
SIGNIN_NOTICE = "signin_notice"  # the only thing a sign-out leaves: why it happened
COOKIE_PENDING = "cookie_pending"  # the sign-in cookie the next run writes in the browser ("" ends it)
RESUME_TRIED = "resume_tried"  # this session looked its cookie up once already
# Every session, a candidate's too (their CV is in it), belongs to the
# browser that opened it: another connection presenting its id finds it empty.
OWNER = "owner"
IDENTITY = "identity"  # who the rest of the session's state belongs to ("visitor", or an account's sign-in)
AFRESH = "afresh"  # the identity changed: the next run draws nothing, so the browser drops what its widgets hold
# What a change of identity keeps: who signed in and the browser's binding, never a person's data.
SIGN_IN_KEYS = frozenset({AUTH_KEY, SIGNIN_NOTICE, COOKIE_PENDING, RESUME_TRIED, OWNER, IDENTITY, AFRESH})

# The recruiter's batch.
RANKING = "ranking"  # the scored batch (CV texts and file names)
SAVED = "saved"  # candidate id -> SavedAssessment of that batch
SAVED_BASIS = "saved_basis"  # the legal basis that batch was saved under
DECIDED = "decided"  # candidate id -> (decision, reason)
BATCH_ID = "batch_id"
BATCH_NOTE = "batch_note"  # what the capped intake left out
VIEWED = "viewed"  # candidate ids whose view is in the audit log

# The fit check.
CV_TEXT = "cv_text"  # the pasted text (a widget)
CV_FILE = "cv_file"  # the attached file (a widget)
FIT_CHECK = "fit_check"  # the FitCheck shown
FIT_ERROR = "fit_error"  # why the last press scored nothing
EXPLAIN_ROLE = "explain_role"  # the role explained (a widget)
EXPLAIN_OPEN = "explain_open"  # "Why: the fit to each role explained" is open on the home page (a widget)
SCORED_TEXT_OPEN = "scored_text_open"  # "The text that was scored" is open (a widget: drawn only then)
COMPARE_OPEN = "compare_open"  # "Compare with a job posting" is open (a widget: drawn only then)
SAVED_RESULT = "saved_result"  # what the candidate chose to keep
SAVE_ERROR = "save_error"
ERASE_MESSAGE = "erase_message"  # (kind, message) after an erase-code try
