"""Reading text: tokens, catalogue terms, snippets, personal details, postings and careers."""

# Its modules: import from them (``from hcdev_match.text.canonicaliser import ...``); this
# file imports nothing, so loading one module never loads its siblings.
__all__ = [
    "canonicaliser",
    "career",
    "opening",
    "personal",
    "phrases",
    "posting",
    "redaction",
    "snippets",
    "tokenizer",
]
