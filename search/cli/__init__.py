"""The `search` command: arguments, one-shot output, the index command's messages.

`search.cli:main` is the console script's entry point.
"""

from search.cli.main import main

__all__ = ["main"]
