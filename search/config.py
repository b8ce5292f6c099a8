"""The settings file, `config.toml` in the per-user config folder.

Precedence, as ripgrep's and git's: a flag, then an environment variable, then the
file, then the built-in default. `search config` shows each setting's value and where
it came from. The one-shot command pays one `stat` when there is no file: `tomllib`
is imported only when the file exists.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.errors import SearchToolError
from index.locations import APP_NAME, INDEX_ENV

CONFIG_ENV = "SEARCH_CONFIG"
CONFIG_NAME = "config.toml"
SORTS = ("score", "newest", "oldest")  # search.whoosh.date_order.SORTS, without importing it here
COLORS = ("auto", "always", "never")


class ConfigError(SearchToolError):
    """A config file that cannot be used: one line naming the file and the line."""


def config_path() -> Path:
    """$SEARCH_CONFIG, else `config.toml` in the per-user config folder (platformdirs'
    answer; on Linux the same XDG rule computed directly, as index.locations does)."""
    override = os.environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CONFIG_HOME", "").strip() or os.path.expanduser("~/.config")
        return Path(base) / APP_NAME / CONFIG_NAME
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / CONFIG_NAME


def is_url(value: str) -> bool:
    return bool(re.match(r"(?i)^https?://", value or ""))


def _whole(minimum: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"must be a whole number of {minimum} or more")
        return value

    return check


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ValueError("must be a number of seconds, 0 (no limit) or more")
    return float(value)


def _choice(*choices: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in choices:
            raise ValueError("must be one of " + ", ".join(repr(c) for c in choices))
        return value

    return check


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value


@dataclass(frozen=True)
class Key:
    """One setting the file may hold, and the flag it stands in for."""

    name: str  # as written in the file (the long flag's name)
    dest: str  # the argparse destination it sets
    default: object
    check: Callable[[object], object]
    help: str


KEYS: tuple[Key, ...] = (
    Key("index", "index", None, _text, "index folder (or an OpenSearch URL, not searchable yet)"),
    Key("color", "color", "auto", _choice(*COLORS), "colour the output: auto, always, never"),
    Key("limit", "limit", 10, _whole(0), "paragraphs shown by a query"),
    Key("per-doc", "per_doc", 3, _whole(0), "paragraphs of one document (0: no limit)"),
    Key("time-limit", "time_limit", 1.0, _seconds, "seconds before a search stops"),
    Key("fill", "fill", False, _flag, "fill two-word queries with one-word matches"),
    Key("sort", "sort", "score", _choice(*SORTS), "order of the hits"),
    Key("theme", "theme", "textual-dark", _text, "the terminal app's theme"),
)
BY_NAME = {key.name: key for key in KEYS}


@dataclass(frozen=True)
class Setting:
    """A setting's effective value and where it came from (`search config` prints both)."""

    value: object
    origin: str  # "default", "file", "env" or "flag"
    where: str = ""  # the file and line, or the variable, that set it


@dataclass
class Config:
    """What the file said, checked, with each key's line for error messages."""

    path: Path
    exists: bool
    private: bool
    values: dict[str, object]  # key name -> checked value, from the file only
    lines: dict[str, int]

    def setting(self, name: str, flag: object = None) -> Setting:
        """The effective value of one key: flag, environment, file, default."""
        key = BY_NAME[name]
        if flag is not None:
            return Setting(flag, "flag", f"--{name}")
        env = _env_value(name)
        if env is not None:
            return env
        if name in self.values:
            return Setting(self.values[name], "file", f"{self.path}:{self.lines[name]}")
        return Setting(key.default, "default")


def _env_value(name: str) -> Setting | None:
    if name == "index" and os.environ.get(INDEX_ENV):
        return Setting(os.environ[INDEX_ENV], "env", f"${INDEX_ENV}")
    if name == "color" and os.environ.get("NO_COLOR"):
        return Setting("never", "env", "$NO_COLOR")
    return None


def load(path: Path | None = None) -> Config:
    """Read and check the file; a missing file is an empty config (and costs no import)."""
    path = config_path() if path is None else path
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Config(path, False, False, {}, {})
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from None
    private = not (info.st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f"{path}:{line.group(1)}" if line else str(path)
        message = re.sub(r"\s*\(at [^)]*\)", "", str(exc))
        raise ConfigError(f"{where}: not valid TOML: {message}") from None
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    for name, value in data.items():
        line = _line_of(text, name)
        key = BY_NAME.get(name)
        if key is None:
            known = ", ".join(k.name for k in KEYS)
            raise ConfigError(f"{path}:{line}: unknown key {name!r} (known: {known})")
        try:
            values[name] = key.check(value)
        except ValueError as exc:
            raise ConfigError(f"{path}:{line}: {name} {exc}, not {value!r}") from None
        lines[name] = line
    if _has_secret(values.get("index", "")) and not private:
        raise ConfigError(
            f"{path}:{lines['index']}: the index URL holds a password but others can read "
            f"the file; make it private with: chmod 600 {path}"
        )
    return Config(path, True, private, values, lines)


def _line_of(text: str, name: str) -> int:
    """The line a top-level key is set on (tomllib does not say)."""
    pattern = re.compile(
        rf"""^\s*(?:{re.escape(name)}|"{re.escape(name)}"|'{re.escape(name)}')\s*[=.\[]"""
    )
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    # a table header (`[name]`) also names a key
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*\[+\s*{re.escape(name)}\s*[\].]", line):
            return number
    return 1


def _has_secret(value: str) -> bool:
    """A URL with a password in it (`https://user:secret@host`)."""
    return bool(re.match(r"(?i)^https?://[^/@\s]*:[^/@\s]*@", value or ""))


def shown(value: object) -> object:
    """A value as `search config` prints it: a URL's password masked."""
    if isinstance(value, str) and _has_secret(value):
        return re.sub(r"^(\w+://[^/:@]*:)[^/@]*@", r"\1****@", value)
    return value


def local_index(value: str | None) -> str | None:
    """The index folder to open; a cluster URL is stored but cannot be searched yet."""
    if value and is_url(value):
        raise SearchToolError(
            f"the index {shown(value)} is an OpenSearch cluster; searching a cluster is "
            "not supported yet (give an index folder with --index DIR)"
        )
    return value


# The settings a one-shot query takes from the file; the app takes index, fill, sort, theme.
QUERY_KEYS = ("index", "color", "limit", "per-doc", "time-limit", "fill", "sort")
APP_KEYS = ("index", "fill", "sort", "theme")


def apply(args: object, names: tuple[str, ...], config: Config | None = None) -> Config:
    """Fill in `args` (an argparse namespace whose options default to None) for `names`,
    from the environment, the file or the default; flags given stay as they are.
    An index that is a cluster URL stops here, with the one-line error."""
    config = load() if config is None else config
    for name in names:
        key = BY_NAME[name]
        setting = config.setting(name, getattr(args, key.dest, None))
        if name == "index":
            local_index(setting.value)
            if setting.origin == "env":
                setting = Setting(None, "env")  # index.locations reads $SEARCH_INDEX itself
        setattr(args, key.dest, setting.value)
    return config


def save_theme(theme: str, path: Path | None = None) -> Path:
    """Remember the app's theme: set `theme = "..."` in the file, keeping the rest as
    written (a missing file is created). Written beside and renamed, never half-written."""
    path = config_path() if path is None else path
    line = f"theme = {_toml_string(theme)}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    lines = text.splitlines()
    pattern = re.compile(r"""^\s*(theme|"theme"|'theme')\s*=""")
    for i, old in enumerate(lines):
        if pattern.match(old):
            lines[i] = line
            break
    else:
        lines.insert(0, line)  # before any table, where a top-level key must be
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if path.exists():
        os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))
    os.replace(temp, path)
    return path


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def report(config: Config, flags: dict[str, object]) -> dict[str, object]:
    """What `search config` prints: the file, and every key's value and origin."""
    settings = {}
    for key in KEYS:
        setting = config.setting(key.name, flags.get(key.dest))
        settings[key.name] = {
            "value": shown(setting.value),
            "origin": setting.origin,
            "where": setting.where,
        }
    return {
        "file": str(config.path),
        "exists": config.exists,
        "private": config.private,
        "settings": settings,
    }


def print_report(data: dict[str, object], as_json: bool) -> None:
    if as_json:
        import json

        print(json.dumps(data, ensure_ascii=False))
        return
    state = "private (0600)" if data["private"] else "readable by others"
    exists = f"{state}" if data["exists"] else "not there; every value is a default"
    print(f"config file: {data['file']} ({exists})")
    width = max(len(name) for name in data["settings"])
    for name, s in data["settings"].items():
        value = "(none)" if s["value"] is None else s["value"]
        if isinstance(value, bool):
            value = str(value).lower()
        where = f" {s['where']}" if s["where"] and s["origin"] != "flag" else ""
        print(f"{name:<{width}}  {value}  [{s['origin']}{where}]")
