"""The catalogue of roles and skills, and the reference corpus the model learns its weights from."""

# Its modules: import from them (``from hcdev_match.catalogue.model import ...``); this
# file imports nothing, so loading one module never loads its siblings.
__all__ = [
    "model",
    "reference",
]
