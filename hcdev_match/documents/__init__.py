"""Documents: the upload gate, sandboxed parsing, hidden-text detection and the intake of batches."""

# Its modules: import from them (``from hcdev_match.documents.document import ...``); this
# file imports nothing, so loading one module never loads its siblings.
__all__ = [
    "csv_records",
    "document",
    "gate",
    "hidden",
    "intake",
    "parsers",
    "sandbox",
]
