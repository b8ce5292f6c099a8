"""`python -m search` is the same as the `search` command."""

from search.cli.main import main

raise SystemExit(main())
