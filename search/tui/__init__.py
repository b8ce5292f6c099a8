"""The interactive terminal app (Textual). Imported only by `search tui` / a bare
`search` on a terminal, so the one-shot command never pays for Textual."""

from __future__ import annotations


def run_app(
    query: str = "",
    index_option: str | None = None,
    limit: int = 50,
    fill: bool = False,
    sort: str = "score",
    theme: str | None = None,
    config_path=None,
) -> int:
    """Run the app until the person quits; returns the process exit code. `fill`, `sort`
    and `theme` come from the config file, where a theme chosen in the app is saved."""
    from search.tui.app import SearchApp

    app = SearchApp(
        index_option=index_option,
        query=query,
        limit=limit,
        fill=fill,
        sort=sort,
        theme_name=theme,
        config_path=config_path,
    )
    app.run()
    if app.error:
        import sys

        print(f"search: {app.error}", file=sys.stderr)
        return 2
    return 0
