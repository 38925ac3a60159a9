"""The command line: ``python -m hcdev_match``."""
