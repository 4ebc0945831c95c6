"""Errors the rules of procedure raise. Their messages are written to be shown to users as they are."""


class ActionRefused(Exception):
    """An action was refused; `str(exc)` says which rule refused it and why."""
