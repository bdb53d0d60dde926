"""dbt, in-process through dbtRunner, on one DuckDB file.

Never mix this with a dbt subprocess on the same file (DuckDB locks it), and close
every DuckDB connection on the file before calling in here.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from loyalty.paths import AS_OF_ENV_VAR, DB_ENV_VAR

TALLY_KEYS = ("pass", "warn", "error", "skip")

# dbt's RunStatus / TestStatus values -> the four buckets the CLI reports.
_STATUS_BUCKET = {
    "success": "pass",
    "pass": "pass",
    "no-op": "pass",
    "warn": "warn",
    "partial success": "warn",
    "error": "error",
    "fail": "error",
    "runtime error": "error",
    "skipped": "skip",
}


class StepCounter(Protocol):
    """What a command reports progress to (loyalty.progress.Counter fits)."""

    total: int | None

    def set_total(self, total: int) -> None: ...

    def advance(self, label: str, status: str = "") -> None: ...


CounterFactory = Callable[[str], AbstractContextManager[StepCounter]]


@dataclass(frozen=True)
class DbtSettings:
    """Where dbt runs: project and profiles dir, the warehouse file, and where it writes."""

    project_dir: Path
    db_path: Path
    profiles_dir: Path | None = None  # default: project_dir
    target_path: Path | None = None  # default: dbt's (target/ or $DBT_TARGET_PATH)
    log_path: Path | None = None  # default: dbt's (logs/ or $DBT_LOG_PATH)


@dataclass(frozen=True)
class BuildOptions:
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    full_refresh: bool = False
    as_of: date | None = None
    threads: int | None = None


@dataclass(frozen=True)
class NodeResult:
    unique_id: str
    status: str  # dbt's own status (success, pass, fail, error, warn, skipped, ...)
    message: str

    @property
    def bucket(self) -> str:
        return _STATUS_BUCKET.get(self.status, "error")


@dataclass
class Outcome:
    """What one or more dbt commands did."""

    commands: list[str] = field(default_factory=list)
    nodes: list[NodeResult] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    failed_commands: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failed_commands and not self.exceptions

    @property
    def tally(self) -> dict[str, int]:
        counts = Counter(node.bucket for node in self.nodes)
        return {key: counts.get(key, 0) for key in TALLY_KEYS}

    @property
    def problems(self) -> list[NodeResult]:
        return [node for node in self.nodes if node.bucket in ("error", "warn")]

    def absorb(self, other: Outcome) -> None:
        self.commands += other.commands
        self.nodes += other.nodes
        self.exceptions += other.exceptions
        self.failed_commands += other.failed_commands


def common_args(settings: DbtSettings) -> list[str]:
    args = ["--project-dir", str(settings.project_dir),
            "--profiles-dir", str(settings.profiles_dir or settings.project_dir)]
    if settings.target_path is not None:
        args += ["--target-path", str(settings.target_path)]
    if settings.log_path is not None:
        args += ["--log-path", str(settings.log_path)]
    return args


def build_commands(options: BuildOptions) -> list[list[str]]:
    """`dbt seed` then `dbt build`. An unselected build seeds by itself, so it runs alone;
    a selected build (e.g. `staging`) gets every seed first, so reference data is there."""
    shared: list[str] = []
    if options.full_refresh:
        shared.append("--full-refresh")
    if options.threads is not None:
        shared += ["--threads", str(options.threads)]
    build = ["build", *shared]
    for flag, values in (("--select", options.select), ("--exclude", options.exclude)):
        if values:
            build += [flag, *values]
    if not options.select:
        return [build]
    return [["seed", *shared], build]


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then restore them: dbt's in-process runner
    reads them (the profile the DB path, macro as_of_date the reporting bound)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _label(unique_id: str) -> str:
    """'model.b2b_loyalty.stg_x' -> 'model stg_x'; tests keep their (long) names."""
    parts = unique_id.split(".")
    return f"{parts[0]} {parts[-1] if parts[0] != 'test' else parts[2]}" if len(parts) >= 3 else unique_id


def _listener(counter: StepCounter | None) -> Callable[[Any], None]:
    def on_event(msg: Any) -> None:
        if counter is None:
            return
        name = msg.info.name
        if name == "LogStartLine" and counter.total != int(msg.data.total):
            counter.set_total(int(msg.data.total))  # every node incl. unit tests
        elif name == "NodeFinished":
            status = str(msg.data.run_result.status or msg.data.node_info.node_status)
            counter.advance(_label(msg.data.node_info.unique_id), _STATUS_BUCKET.get(status, status))
    return on_event


def run(settings: DbtSettings, args: Sequence[str], counter: StepCounter | None = None,
        as_of: date | None = None) -> Outcome:
    """One dbt command in-process; stdout logging off (results come back in the Outcome),
    the debug log goes to the log path as usual. `as_of` reaches dbt in LOYALTY_AS_OF_DATE,
    not in --vars, so a daily run keeps partial parsing (None: the environment as it is, so
    the macro's default, today, unless the variable is set); a var as_of_date in `args` wins."""
    from dbt.cli.main import dbtRunner  # heavy import: only when dbt actually runs

    command = list(args)
    cli_args = [*command, *common_args(settings), "--log-level", "none", "--log-level-file", "debug"]
    env = {DB_ENV_VAR: str(Path(settings.db_path).resolve())}
    if as_of is not None:
        env[AS_OF_ENV_VAR] = as_of.isoformat()
    with environment(env):
        try:
            result = dbtRunner(callbacks=[_listener(counter)]).invoke(cli_args)
        finally:
            release_duckdb()
    outcome = Outcome(commands=[" ".join(command)])
    executed = getattr(result.result, "results", None) or []
    for node_result in executed:
        outcome.nodes.append(NodeResult(
            unique_id=node_result.node.unique_id,
            status=str(node_result.status),
            message=str(node_result.message or ""),
        ))
    if result.exception is not None:
        outcome.exceptions.append(f"dbt {command[0]}: {result.exception}")
    if not result.success:
        outcome.failed_commands.append(command[0])
    return outcome


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open after an in-process run, so this
    process (or another) can open the file again, read-only or with other settings."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if env is not None:
            env.close()


def build(settings: DbtSettings, options: BuildOptions, counters: CounterFactory | None = None) -> Outcome:
    """`dbt seed` (when the build is selected) and `dbt build`; stops after a failed command."""
    outcome = Outcome()
    for args in build_commands(options):
        progress = counters(f"dbt {args[0]}") if counters is not None else nullcontext(None)
        with progress as counter:
            step = run(settings, args, counter, as_of=options.as_of)
        outcome.absorb(step)
        if not step.success:
            break
    return outcome
