"""Console output: rich (progress bars, tables) on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table


class Counter:
    """Counts finished steps of a task of (possibly not yet known) size."""

    def __init__(self, reporter: Reporter, description: str, total: int | None) -> None:
        self._reporter = reporter
        self._description = description
        self._lock = threading.Lock()
        self.total = total
        self.done = 0
        self._progress: Progress | None = None
        self._task: Any = None

    def set_total(self, total: int) -> None:
        with self._lock:
            self.total = total
            if self._progress is not None:
                self._progress.update(self._task, total=total)

    def advance(self, label: str, status: str = "") -> None:
        """One step finished: `label` names it, `status` says how it went (pass, error, ...)."""
        with self._lock:
            self.done += 1
            if self._progress is not None:
                self._progress.update(self._task, advance=1, description=f"{self._description} {label}")
                if status in ("error", "fail", "warn"):
                    self._progress.console.print(f"  {status.upper():<5} {label}", markup=False, highlight=False)
                return
            # plain output (a log, CI): every failure, and a progress line every ~10 % of the steps
            total = "?" if self.total is None else str(self.total)
            width = len(total)
            if status in ("error", "fail", "warn"):
                self._reporter.line(f"  [{self.done:>{width}}/{total}] {status:<5} {label}")
            elif self.done % self.plain_every == 0 or self.done == self.total:
                self._reporter.line(f"  [{self.done:>{width}}/{total}] {self._description}")

    @property
    def plain_every(self) -> int:
        """Steps between progress lines in plain output: a tenth of the total, at least 5 (50 while
        the total is unknown); the last step always gets a line."""
        return max(5, -(-self.total // 10)) if self.total else 50


class Reporter:
    """Where the CLI writes: messages, errors, step counters and small tables."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, fancy: bool | None = None) -> None:
        self._out = out or sys.stdout
        self._err = err or sys.stderr
        self.console = Console(file=self._out, highlight=False)
        self.fancy = self.console.is_terminal if fancy is None else fancy
        self._lock = threading.Lock()

    def line(self, message: str = "") -> None:
        if self.fancy:
            self.console.print(message, markup=False, highlight=False, soft_wrap=True)
            return
        with self._lock:
            print(message, file=self._out, flush=True)

    def heading(self, message: str) -> None:
        if self.fancy:
            self.console.rule(message, align="left")
            return
        self.line(f"== {message}")

    def error(self, message: str) -> None:
        if self.fancy:
            Console(file=self._err, highlight=False).print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
            return
        with self._lock:
            print(f"error: {message}", file=self._err, flush=True)

    @contextmanager
    def counter(self, description: str, total: int | None = None) -> Iterator[Counter]:
        """A progress bar on a terminal; otherwise a '[n/total] status label' line per failed
        step and a '[n/total] description' line every tenth of the steps."""
        counter = Counter(self, description, total)
        if not self.fancy:
            yield counter
            return
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=True) as progress:
            counter._progress = progress
            counter._task = progress.add_task(description, total=total)
            yield counter

    def table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
              right: Sequence[int] = ()) -> None:
        """Rows as a table; numbers (and the columns listed in `right`) right-aligned."""
        cells = [[_cell(v) for v in row] for row in rows]
        numeric = [i in right or (bool(rows) and all(isinstance(row[i], int | float) or row[i] is None
                                                     for row in rows))
                   for i in range(len(headers))]
        if self.fancy:
            table = Table(title=title, title_justify="left")
            for header, is_number in zip(headers, numeric, strict=True):
                table.add_column(header, justify="right" if is_number else "left")
            for row in cells:
                table.add_row(*row)
            self.console.print(table)
            return
        widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]

        def fmt(values: Sequence[str]) -> str:
            parts = [v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)]
            return "  ".join(parts).rstrip()

        self.line(title)
        self.line("  " + fmt(list(headers)))
        for row in cells:
            self.line("  " + fmt(row))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4f}"
    return str(value)
