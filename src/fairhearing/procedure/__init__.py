"""The rules of procedure, as pure Python.

Nothing in this package imports Django or any other fairhearing layer (an import-linter contract enforces it),
so every rule can be tested without a database and read on its own.
"""
