"""fairhearing: a fair, consistent, accountable and lawful disciplinary process for membership organisations."""

__version__ = "0.1.0"
