"""Speed benchmarks beside raw Whoosh and SQLite FTS5, measured in the same run.

    python bench/run.py index --size M --repeat 3     # wall, paragraphs/s, peak RSS, size
    python bench/run.py query --size M --rounds 20    # warm p50/p95 with highlighting
    python bench/run.py cold  --size M --repeat 15    # `search QUERY` as a whole process
    python bench/run.py cold  --size L --baseline-size S   # ours at L and S, baselines at S
    python bench/run.py guard --size M                # the slow query kinds and their guard
    python bench/run.py all   --size S                # all four
    python bench/run.py all --quick                   # tiny corpus, one round (the test suite)

Every figure is a median over repeats, printed beside the same figure for the
baselines and the ratio ours/baseline. Indexes and generated corpora are cached
under $BENCH_CACHE (default /tmp/archive-search-bench); `index` rebuilds them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpora import CACHE, SIZES, corpus_files  # noqa: E402

HERE = Path(__file__).resolve().parent
PY = sys.executable

# The fixed warm-query set: (kind, our/raw Whoosh syntax, FTS5 MATCH, extra FTS5 SQL).
QUERIES: list[tuple[str, str, str | None, str]] = [
    ("one word", "ceasefire", "ceasefire", ""),
    ("one common word", "oil", "oil", ""),
    ("two words", "oil prices", "oil prices", ""),
    ("three words", "bank interest rates", "bank interest rates", ""),
    ("phrase", '"prime minister"', '"prime minister"', ""),
    ("OR", "wheat OR corn", "wheat OR corn", ""),
    ("prefix", "comput*", "comput*", ""),
    ("fuzzy", "goverment~", None, ""),
    ("field", "title:economy", "title:economy", ""),
    ("date range", "oil date:[1987-03-01 to 1987-03-31]", "oil", "AND date LIKE '1987-03-%'"),
]

# The slow kinds, each guarded by the engine's time limit (search.engine).
SLOW_QUERIES: list[tuple[str, str]] = [
    ("common-word phrase", '"he said"'),
    ("common words", "said year mln"),
    ("leading wildcard", "*ing"),
    ("fuzzy, distance 2", "market~2"),
    ("fuzzy, no prefix", "goverment~/0"),
    ("wildcard inside", "*o*"),
]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


# ---------------------------------------------------------------- process measurement
def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            parents[int(name)] = int(fields[1])
            rss[int(name)] = int(fields[21]) * page_kb
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in tree)


def run_measured(cmd: list[str], sample_tree: bool = False, cwd: Path | None = None) -> dict:
    """Run `cmd`; wall seconds, its own peak RSS (wait4), and the tree's peak if asked."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd or HERE.parent
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True) if sample_tree else None
    if sampler:
        sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    if sampler:
        sampler.join()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-800:]}")
    return {"wall": wall, "tree_rss_mb": peak[0] / 1024, "stdout": out.decode()}


def run_cold(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MB, CPU seconds) of one whole process.

    The peak comes from GNU time when present: a child's ru_maxrss starts at its
    parent's size at fork, so measuring from this (large) process would floor it.
    CPU time (user + system, from wait4) is the figure a loaded machine disturbs
    least: wall time there is mostly waiting for a core.
    """
    import tempfile

    timer = "/usr/bin/time"
    wrap = [timer, "-f", "%M"] if os.path.exists(timer) else []
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([*wrap, *cmd], stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        err_text = err.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode})")
    cpu = usage.ru_utime + usage.ru_stime
    if wrap:
        return wall, int(err_text.strip().splitlines()[-1]) / 1024, cpu
    return wall, usage.ru_maxrss / 1024, cpu


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


# ---------------------------------------------------------------- building
def index_dir(size: str, engine: str, procs: int) -> Path:
    return CACHE / f"idx-{size}-{engine}-p{procs}"


def _build(engine: str, size: str, procs: int) -> None:
    """Child process: build one index and print {"paragraphs", "seconds"} as JSON."""
    files = corpus_files(size)
    out = index_dir(size, engine, procs)
    started = time.perf_counter()
    if engine == "ours":
        from index.indexer import index_paths

        report = index_paths(files, out, rebuild=True, procs=procs)
        n = report.paragraphs
    elif engine == "raw":
        from bench.baselines import build_raw

        n = build_raw(files, out, procs)
    elif engine == "fts5":
        from bench.baselines import build_fts

        n = build_fts(files, out)
    else:
        raise SystemExit(f"unknown engine {engine}")
    print(json.dumps({"paragraphs": n, "seconds": time.perf_counter() - started}))


def build(engine: str, size: str, procs: int) -> dict:
    corpus_files(size)  # generate outside the timed child
    cmd = [PY, str(HERE / "run.py"), "_build", engine, size, str(procs)]
    res = run_measured(cmd, sample_tree=True)
    info = json.loads(res["stdout"].strip().splitlines()[-1])
    info.update(wall=res["wall"], tree_rss_mb=res["tree_rss_mb"])
    info["size_mb"] = du_mb(index_dir(size, engine, procs))
    return info


def ensure_built(size: str, engine: str, procs: int) -> Path:
    out = index_dir(size, engine, procs)
    marker = (
        "fts.sqlite3"
        if engine == "fts5"
        else ("search-index.json" if engine == "ours" else "_MAIN_1.toc")
    )
    if not any(out.glob("_MAIN_*.toc")) and not (out / marker).exists():
        print(f"(building {engine} p{procs} index of {size} first)", file=sys.stderr)
        build(engine, size, procs)
    return out


# ---------------------------------------------------------------- commands
def cmd_index(args) -> dict:
    variants = [("ours", p) for p in args.procs] + [("raw", p) for p in args.procs] + [("fts5", 1)]
    if args.variants:
        variants = [(v.split(":")[0], int(v.split(":")[1])) for v in args.variants.split(",")]
    runs: dict[str, list[dict]] = {f"{e} p{p}": [] for e, p in variants}
    for r in range(args.repeat):
        for engine, procs in variants:
            info = build(engine, args.size, procs)
            runs[f"{engine} p{procs}"].append(info)
            print(
                f"  round {r + 1} {engine} p{procs}: {info['seconds']:.2f} s, "
                f"{info['tree_rss_mb']:.0f} MB peak",
                file=sys.stderr,
            )
    rows = {}
    for name, infos in runs.items():
        secs = median([i["seconds"] for i in infos])
        rows[name] = {
            "paragraphs": infos[0]["paragraphs"],
            "seconds": secs,
            "paragraphs_per_s": infos[0]["paragraphs"] / secs,
            "peak_tree_rss_mb": max(i["tree_rss_mb"] for i in infos),
            "index_mb": infos[-1]["size_mb"],
            "runs": [round(i["seconds"], 2) for i in infos],
        }
    print(f"\nindex {args.size} (median of {args.repeat}; peak RSS of the process tree)")
    print(
        f"{'variant':<10} {'paragraphs':>10} {'seconds':>8} {'para/s':>8} "
        f"{'peak MB':>8} {'index MB':>9}"
    )
    for name, row in rows.items():
        print(
            f"{name:<10} {row['paragraphs']:>10} {row['seconds']:>8.2f} "
            f"{row['paragraphs_per_s']:>8.0f} {row['peak_tree_rss_mb']:>8.0f} "
            f"{row['index_mb']:>9.1f}"
        )
    ratios = {}
    for p in args.procs:
        ours, raw = rows.get(f"ours p{p}"), rows.get(f"raw p{p}")
        if ours and raw:
            ratios[f"p{p}"] = ours["paragraphs_per_s"] / raw["paragraphs_per_s"]
    ours_rows = [row for name, row in rows.items() if name.startswith("ours ")]
    if ours_rows and "raw p2" in rows:
        best_ours = max(row["paragraphs_per_s"] for row in ours_rows)
        ratios["best ours / raw p2"] = best_ours / rows["raw p2"]["paragraphs_per_s"]
    for k, v in ratios.items():
        print(f"speed ratio ours/raw {k}: {v:.2f}x")
    return {"rows": rows, "ratios": ratios}


def cmd_query(args) -> dict:
    from bench.baselines import FtsSearcher, RawSearcher
    from search.display.fragments import fragment
    from search.engine import Engine

    ours_dir = ensure_built(args.size, "ours", args.index_procs)
    raw_dir = ensure_built(args.size, "raw", args.index_procs)
    fts_dir = ensure_built(args.size, "fts5", 1)
    engine, raw, fts = Engine(ours_dir), RawSearcher(raw_dir), FtsSearcher(fts_dir)

    def ours_q(text: str) -> None:
        result = engine.search(text, limit=10)
        for hit in result.hits:  # the same work as printing: a highlighted fragment
            fragment(hit.text, hit.highlights)

    samples: dict[str, dict[str, list[float]]] = {"ours": {}, "raw": {}, "fts5": {}}
    totals: dict[str, int] = {}
    first: dict[str, float] = {}  # ours, the first time (word lists, ranges not yet kept)
    for kind, text, match, extra in QUERIES:  # warm-up, and the match counts
        t = time.perf_counter()
        totals[kind] = engine.search(text, limit=10).total
        first[kind] = (time.perf_counter() - t) * 1000
        raw.search(text)
        if match:
            fts.search(match, extra)
    for _ in range(args.rounds):
        for kind, text, match, extra in QUERIES:
            for name, fn in (
                ("ours", lambda text=text: ours_q(text)),
                ("raw", lambda text=text: raw.search(text)),
                ("fts5", (lambda m=match, x=extra: fts.search(m, x)) if match else None),
            ):
                if fn is None:
                    continue
                t = time.perf_counter()
                fn()
                samples[name].setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    engine.close()
    raw.close()
    fts.close()
    print(
        f"\nwarm query {args.size}, top 10 with highlighting, {args.rounds} rounds (ms, median; "
        "ours 1st: the first time, in the order below, on a freshly opened index)"
    )
    print(
        f"{'kind':<16} {'matches':>8} {'ours':>8} {'raw':>8} {'fts5':>8} {'ours/raw':>9} "
        f"{'ours 1st':>9}"
    )
    per_kind = {}
    for kind, *_ in QUERIES:
        o, r = median(samples["ours"][kind]), median(samples["raw"][kind])
        f = median(samples["fts5"].get(kind, []))
        per_kind[kind] = {
            "ours": o,
            "raw": r,
            "fts5": f,
            "matches": totals[kind],
            "ours_first": first[kind],
        }
        print(
            f"{kind:<16} {totals[kind]:>8} {o:>8.2f} {r:>8.2f} {f:>8.2f} {o / r:>8.2f}x "
            f"{first[kind]:>9.2f}"
        )
    summary = {}
    for name in ("ours", "raw", "fts5"):
        allx = [x for xs in samples[name].values() for x in xs]
        summary[name] = {"p50": pct(allx, 50), "p95": pct(allx, 95)}
    for name, s in summary.items():
        print(f"{name:<5} p50 {s['p50']:7.2f} ms   p95 {s['p95']:7.2f} ms")
    print(
        f"ratio ours/raw: p50 {summary['ours']['p50'] / summary['raw']['p50']:.2f}x, "
        f"p95 {summary['ours']['p95'] / summary['raw']['p95']:.2f}x"
    )
    return {"per_kind": per_kind, "summary": summary}


def compile_bytecode() -> None:
    """Compile our modules to bytecode, as `pip install` does and as Python does on
    first import, unless PYTHONDONTWRITEBYTECODE is set (it is on some machines,
    this one included): then every one-shot compiles our modules from source again
    (about 30 ms), while Whoosh's come compiled from pip."""
    cmd = [PY, "-m", "compileall", "-q", "search", "index"]
    subprocess.run(cmd, cwd=HERE.parent, check=False, stdout=subprocess.DEVNULL)


def search_command() -> list[str]:
    """The installed `search` command (the console script pip writes beside this
    Python), as a person runs it; `python -m search` where there is none (it also
    loads runpy, a few ms more)."""
    script = Path(PY).parent / "search"
    return [str(script)] if script.is_file() else [PY, "-m", "search"]


def cmd_cold(args) -> dict:
    """With --baseline-size (e.g. `--size L --baseline-size S`) ours runs on both
    corpora and the baselines on the smaller one only: O(query) vs O(index)."""
    base = args.baseline_size or args.size
    q = args.query
    cwd = CACHE  # not the checkout: the installed command, as a person runs it
    cmds = {"python -c pass": [PY, "-c", "pass"]}
    sizes = [args.size] if base == args.size else [base, args.size]
    for size in sizes:
        ours_dir = ensure_built(size, "ours", args.index_procs)
        name = "ours" if len(sizes) == 1 else f"ours {size}"
        cmds[name] = [*search_command(), q, "--index", str(ours_dir)]
    raw_dir = ensure_built(base, "raw", args.index_procs)
    fts_dir = ensure_built(base, "fts5", 1)
    cmds[f"raw{'' if len(sizes) == 1 else ' ' + base}"] = [
        PY,
        str(HERE / "oneshot_raw.py"),
        str(raw_dir),
        q,
    ]
    cmds[f"fts5{'' if len(sizes) == 1 else ' ' + base}"] = [
        PY,
        str(HERE / "oneshot_fts.py"),
        str(fts_dir),
        q,
    ]
    compile_bytecode()
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    rss: dict[str, list[float]] = {k: [] for k in cmds}
    for name, cmd in cmds.items():  # warm the page cache
        run_cold(cmd, cwd) if name != "python -c pass" else None
    for _ in range(args.repeat):
        for name, cmd in cmds.items():
            try:
                w, m, c = run_cold(cmd, cwd)
            except RuntimeError:
                if name == "python -c pass":
                    w, m, c = run_cold([PY, "-c", "print(1)"], cwd)
                else:
                    raise
            walls[name].append(w * 1000)
            cpus[name].append(c * 1000)
            rss[name].append(m)
    label = args.size if len(sizes) == 1 else f"{args.size} (baselines on {base})"
    print(
        f"\ncold one-shot `search {q}` on {label}, {args.repeat} runs (median ms, max RSS MB; "
        f"our modules compiled to bytecode first, as pip install does; ours: "
        f"{' '.join(Path(a).name for a in search_command())})"
    )
    rows = {}
    for name in cmds:
        rows[name] = {
            "ms": median(walls[name]),
            "cpu_ms": median(cpus[name]),
            "rss_mb": max(rss[name]),
        }
        print(
            f"{name:<16} {rows[name]['ms']:8.1f} ms {rows[name]['cpu_ms']:8.1f} ms CPU "
            f"{rows[name]['rss_mb']:8.1f} MB"
        )
    if len(sizes) == 1:
        ratio = rows["ours"]["ms"] / rows["raw"]["ms"]
        cpu_ratio = rows["ours"]["cpu_ms"] / rows["raw"]["cpu_ms"]
        print(f"ratio ours/raw: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU")
        return {"rows": rows, "ratio": ratio, "cpu_ratio": cpu_ratio}
    ours_base, ours_big = rows[f"ours {base}"], rows[f"ours {args.size}"]
    ratios = {
        f"ours/raw on {base}": ours_base["ms"] / rows[f"raw {base}"]["ms"],
        f"ours {args.size}/ours {base}": ours_big["ms"] / ours_base["ms"],
        f"ours {args.size}/raw {base}": ours_big["ms"] / rows[f"raw {base}"]["ms"],
    }
    for name, value in ratios.items():
        print(f"ratio {name}: {value:.2f}x")
    return {"rows": rows, "ratios": ratios}


RAW_CAP_SECONDS = 30.0


def _capped_ms(fn, cap: float) -> float:
    """Milliseconds `fn` took, or inf when it was still running after `cap` seconds."""
    import signal

    class _Cap(Exception):
        pass

    def on_alarm(signum, frame):
        raise _Cap

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    t = time.perf_counter()
    try:
        fn()
        return (time.perf_counter() - t) * 1000
    except _Cap:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cmd_guard(args) -> dict:
    from bench.baselines import RawSearcher
    from search.engine import Engine

    ours_dir = ensure_built(args.size, "ours", args.index_procs)
    raw_dir = ensure_built(args.size, "raw", args.index_procs)
    engine, raw = Engine(ours_dir), RawSearcher(raw_dir)
    print(
        f"\nslow query kinds on {args.size} (ours: median of {args.repeat}; raw: one run, "
        f"stopped at {RAW_CAP_SECONDS:.0f} s; ms)"
    )
    print(f"{'kind':<20} {'query':<14} {'ours':>8} {'partial':>8} {'matches':>8} {'raw':>8}")
    rows = {}
    for kind, text in SLOW_QUERIES:
        ours_ms, raw_ms, result = [], [], None
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = engine.search(text, limit=10)
            ours_ms.append((time.perf_counter() - t) * 1000)
            if not args.quick and not raw_ms:  # raw has no limit: one run, cut at RAW_CAP
                raw_ms.append(_capped_ms(lambda text=text: raw.search(text), RAW_CAP_SECONDS))
        partial = bool(getattr(result, "partial", False))
        rows[kind] = {
            "query": text,
            "ours": median(ours_ms),
            "raw": median(raw_ms),
            "partial": partial,
            "matches": result.total,
        }
        print(
            f"{kind:<20} {text:<14} {median(ours_ms):>8.1f} {str(partial):>8} "
            f"{result.total:>8} {median(raw_ms):>8.1f}"
        )
    engine.close()
    raw.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_build":
        _build(argv[1], argv[2], int(argv[3]))
        return 0
    p = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    p.add_argument("command", choices=("index", "query", "cold", "guard", "all"))
    p.add_argument("--size", choices=SIZES, default="S")
    p.add_argument(
        "--quick", action="store_true", help="tiny corpus, one round: keeps this working"
    )
    p.add_argument("--repeat", type=int, default=3, help="repeats (index, cold, guard)")
    p.add_argument("--rounds", type=int, default=20, help="rounds over the query set (query)")
    p.add_argument("--procs", default="1,2", help="writer processes to compare (index)")
    p.add_argument("--variants", help="index: engine:procs list, e.g. ours:1,ours:2,raw:2,fts5:1")
    p.add_argument("--index-procs", type=int, default=2, help="which built index to query")
    p.add_argument("--query", default="ceasefire", help="the cold one-shot query")
    p.add_argument(
        "--baseline-size",
        choices=SIZES,
        help="cold: also run ours on this corpus, and the baselines only on it (e.g. S)",
    )
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = p.parse_args(argv)
    args.procs = [int(x) for x in args.procs.split(",")]
    if args.quick:
        args.size, args.repeat, args.rounds = "Q", 1, 2
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, corpus {args.size}")
    results: dict = {
        "size": args.size,
        "machine": machine(),
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
    }
    commands = ("index", "query", "cold", "guard") if args.command == "all" else (args.command,)
    for name in commands:
        results[name] = globals()[f"cmd_{name}"](args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
