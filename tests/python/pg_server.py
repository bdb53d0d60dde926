"""A throw-away PostgreSQL server on loopback for tests (and for trying the postgres target by hand).

    with PgServer.start(Path("/tmp/x")) as pg:       # initdb + pg_ctl start on a free port
        pg.env()                                     # DBT_PG_* variables for profiles.yml
    # stopped and its data directory removed here

The binaries come from $PG_BIN, /usr/lib/postgresql/<newest>/bin, or PATH (initdb, pg_ctl).
initdb refuses to run as root, so as root the cluster is created and run as an unprivileged
user ($PG_TEST_OS_USER, default `postgres`, created with `useradd` when missing) through
`runuser`. The server listens on 127.0.0.1 only (no Unix socket), trusts local connections,
and runs with fsync off: data is disposable.

`python tests/python/pg_server.py [DIR]` starts one and prints its DBT_PG_* variables, then
waits for Ctrl-C (handy for `dbt build --target postgres` by hand).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "loyalty"
DATABASE = "loyalty"
DEFAULT_OS_USER = "postgres"
START_TIMEOUT_S = 60


class PgUnavailable(RuntimeError):
    """No PostgreSQL binaries, or the server cannot be started here (the message says why)."""


def find_bin_dir() -> Path:
    """The folder holding initdb and pg_ctl."""
    candidates: list[Path] = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    candidates += versions
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PgUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found in $PG_BIN, "
                        "/usr/lib/postgresql/*/bin or PATH; install postgresql (Debian: apt-get install postgresql)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_os_user(name: str) -> pwd.struct_passwd:
    """The unprivileged account that runs the server when we are root (created when missing)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd is None:
        raise PgUnavailable(f"running as root, OS user {name!r} does not exist and useradd is not available")
    done = subprocess.run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise PgUnavailable(f"cannot create OS user {name!r} for PostgreSQL: {done.stderr.strip()}")
    return pwd.getpwnam(name)


def _traversable(folder: Path) -> bool:
    """Every folder from / down to `folder` can be entered by any user (o+x)."""
    folder = folder.resolve()
    return all(p.stat().st_mode & 0o001 for p in (folder, *folder.parents))


@dataclass
class PgServer:
    """A running cluster: where it lives, how to reach it, how to stop it."""

    bin_dir: Path
    data_dir: Path
    port: int
    run_as: str | None  # OS user the server runs as when we are root
    host: str = "127.0.0.1"
    user: str = SUPERUSER
    password: str = ""
    database: str = DATABASE

    # -- process helpers ------------------------------------------------------------------------

    def _command(self, *args: str) -> list[str]:
        if self.run_as is None:
            return list(args)
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        return [runuser, "-u", self.run_as, "--", *args]

    def _run(self, *args: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self._command(*args), capture_output=True, text=True, timeout=timeout,
                              cwd=str(self.data_dir.parent))

    # -- lifecycle ------------------------------------------------------------------------------

    @classmethod
    def start(cls, root: Path | None = None) -> PgServer:
        """initdb into a fresh folder under `root` (default: a new temp dir) and start the server.
        Raises PgUnavailable when that is impossible here."""
        bin_dir = find_bin_dir()
        run_as = None
        if os.geteuid() == 0:
            run_as = os.environ.get("PG_TEST_OS_USER", DEFAULT_OS_USER)
            account = ensure_os_user(run_as)
        # the server's user must reach its data directory: a fresh folder it owns, under
        # parents it can traverse (pytest's tmp dirs are 0700 root: then the system temp dir)
        base = root if root is not None and (run_as is None or _traversable(Path(root))) else None
        parent = Path(tempfile.mkdtemp(prefix="loyalty-pg-", dir=str(base) if base else None))
        if run_as is not None:
            os.chown(parent, account.pw_uid, account.pw_gid)
        server = cls(bin_dir=bin_dir, data_dir=parent / "data", port=free_port(), run_as=run_as)
        try:
            server._initdb()
            server._pg_ctl_start()
            server._create_database()
        except BaseException:
            server.stop()
            raise
        return server

    def _initdb(self) -> None:
        done = self._run(str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", self.user,
                         "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
        if done.returncode != 0:
            raise PgUnavailable(f"initdb failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    def _pg_ctl_start(self) -> None:
        options = (f"-p {self.port} -h {self.host} -k '' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c TimeZone=UTC -c max_connections=40")
        done = self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l",
                         str(self.data_dir.parent / "server.log"), "-o", options, "-w",
                         "-t", str(START_TIMEOUT_S), "start")
        if done.returncode != 0:
            log = self.data_dir.parent / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            raise PgUnavailable(f"pg_ctl start failed ({done.returncode}): {done.stderr.strip()}\n{tail}")

    def _create_database(self) -> None:
        import psycopg2

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                con = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(f'create database "{self.database}"')
        finally:
            con.close()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder; safe to call twice."""
        parent = self.data_dir.parent
        if (self.data_dir / "postmaster.pid").is_file():
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        shutil.rmtree(parent, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- connecting -----------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The variables profiles.yml's postgres target and loader_postgres read."""
        return {"DBT_PG_HOST": self.host, "DBT_PG_PORT": str(self.port), "DBT_PG_USER": self.user,
                "DBT_PG_PASSWORD": self.password, "DBT_PG_DATABASE": self.database}

    def connect(self):  # -> psycopg2 connection
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=self.database)

    def create_database(self, name: str) -> dict[str, str]:
        """Another database on this server (one per independent build); its env()."""
        con = self.connect()
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(f'create database "{name}"')
        finally:
            con.close()
        return {**self.env(), "DBT_PG_DATABASE": name}


@contextmanager
def running(root: Path | None = None) -> Iterator[PgServer]:
    server = PgServer.start(root)
    try:
        yield server
    finally:
        server.stop()


if __name__ == "__main__":
    import signal

    def _interrupt(*_: object) -> None:
        raise KeyboardInterrupt  # `kill` stops and removes the server too, as Ctrl-C does

    signal.signal(signal.SIGTERM, _interrupt)
    where = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    if where is not None:
        where.mkdir(parents=True, exist_ok=True)
    with running(where) as pg:
        for key, value in pg.env().items():
            print(f"export {key}={value}")
        print(f"# data: {pg.data_dir}  (Ctrl-C stops and removes it)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
