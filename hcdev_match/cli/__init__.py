"""The command line: ``python -m hcdev_match``."""

# Its modules: import from them (``from hcdev_match.cli.accounts import ...``); this
# file imports nothing, so loading one module never loads its siblings.
__all__ = [
    "accounts",
    "fits",
    "main",
    "opening",
]
