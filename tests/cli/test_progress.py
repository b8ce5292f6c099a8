"""Progress by bytes: one large JSON Lines file or mailbox moves the bar as it is read."""

from __future__ import annotations

import io
import json
import mailbox
from email.message import EmailMessage

from rich.console import Console

from index.indexer import index_paths
from search.cli.progress import ProgressBar


def write_jsonl(path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            record = {"id": f"r{i}", "title": f"Report {i}", "text": f"Harbour cranes {i}. " * 20}
            fh.write(json.dumps(record) + "\n")


def test_one_jsonl_file_reports_bytes_as_its_records_are_read(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_jsonl(docs / "big.jsonl", 400)
    (docs / "small.txt").write_text("A small note about cranes.\n", "utf-8")
    size = sum(p.stat().st_size for p in docs.iterdir())
    calls: list[tuple[int, int, str]] = []
    index_paths([docs], tmp_path / "ix", byte_progress=lambda d, t, n: calls.append((d, t, n)))
    assert {t for _, t, _ in calls} == {size}
    done = [d for d, _, _ in calls]
    assert done == sorted(done) and done[0] == 0 and done[-1] == size
    inside = [d for d, _, name in calls if name == "big.jsonl" and d > 0]
    assert len(set(inside)) > 3  # moved within the one file, not only at its end


def test_a_compressed_jsonl_file_reports_its_bytes_on_disk(tmp_path):
    import gzip

    docs = tmp_path / "docs"
    docs.mkdir()
    plain = tmp_path / "r.jsonl"
    write_jsonl(plain, 3000)
    (docs / "r.jsonl.gz").write_bytes(gzip.compress(plain.read_bytes()))
    size = (docs / "r.jsonl.gz").stat().st_size
    calls: list[int] = []
    report = index_paths([docs], tmp_path / "ix", byte_progress=lambda d, t, n: calls.append(d))
    assert report.documents == 3000
    assert calls[-1] == size and all(0 <= d <= size for d in calls)
    assert len({d for d in calls if 0 < d < size}) > 1


def test_a_mailbox_reports_bytes_as_its_messages_are_read(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    box = mailbox.mbox(docs / "mail.mbox")
    for i in range(60):
        message = EmailMessage()
        message["Subject"] = f"Crane hire {i}"
        message["From"] = "port@example.org"
        message.set_content(f"The crane barge is booked for week {i}. " * 10)
        box.add(message)
    box.close()
    size = (docs / "mail.mbox").stat().st_size
    calls: list[int] = []
    index_paths([docs], tmp_path / "ix", byte_progress=lambda d, t, n: calls.append(d))
    assert calls[-1] == size
    assert len({d for d in calls if 0 < d < size}) > 10


def test_the_bar_on_a_terminal_shows_bytes_rate_and_time_left(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_jsonl(docs / "big.jsonl", 300)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    bar = ProgressBar(console=console, show_after=0)
    try:
        index_paths([docs], tmp_path / "ix", byte_progress=bar.update)
    finally:
        bar.close()
    shown = out.getvalue()
    assert "indexing" in shown
    assert "kB" in shown  # bytes done / total
    assert "/s" in shown  # the rate
    assert "-:--:--" in shown or "0:00:0" in shown  # the time left


def test_a_file_name_on_the_bar_is_text_with_its_controls_as_signs():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    bar = ProgressBar(console=console, show_after=0)
    bar.update(5, 10, "[bold]odd\x1b[31m.txt")
    bar._progress.refresh()
    bar.close()
    shown = out.getvalue()
    assert "[bold]odd" in shown  # not read as Rich markup
    assert "\x1b[31m" not in shown  # the escape is shown as a sign, never sent


def test_a_quick_run_shows_no_bar(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Cranes.\n", "utf-8")
    out = io.StringIO()
    bar = ProgressBar(console=Console(file=out, force_terminal=True), show_after=3600)
    index_paths([docs], tmp_path / "ix", byte_progress=bar.update)
    bar.close()
    assert out.getvalue() == ""
