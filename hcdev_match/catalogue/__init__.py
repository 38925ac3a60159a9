"""The catalogue of roles and skills, and the reference corpus the model learns its weights from."""
