"""A real PostgreSQL server for the tests: started once per test session, in a temporary
directory, on a free loopback port, and stopped afterwards. No Docker, no root needed.

The server binaries are looked up on PATH (`initdb`, `postgres`), then in
/usr/lib/postgresql/*/bin (Debian's `postgresql` package). PostgreSQL refuses to run as root:
when the tests run as root (CI), initdb and postgres run as the `postgres` system user (setpriv,
or runuser), in a temporary directory handed to that user.

Without binaries the PostgreSQL tests are skipped with the reason, except where they must run:
in CI (env CI set, as `.ci/run` is run) or with MIGRASI_PG_REQUIRED=1, where they fail.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("MIGRASI_PG_REQUIRED") == "1"


def find_bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found and shutil.which("postgres"):
        real = Path(os.path.realpath(found)).parent
        if (real / "postgres").exists():
            return real
        return Path(found).parent
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(d, "initdb").exists() and Path(d, "postgres").exists():
            return Path(d)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.tmp = Path(tempfile.mkdtemp(prefix="migrasi-pg-"))
        self.data = self.tmp / "data"
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # postgres will not run as root: as the postgres system user
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no `postgres` user to run the test server as") from None
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
            if shutil.which("setpriv"):
                self.as_user = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--"]
            else:
                self.as_user = ["runuser", "-u", "postgres", "--"]
        self.env = {**os.environ, "LC_ALL": "C", "HOME": str(self.tmp)}

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self, timeout: float = 60.0) -> "PostgresServer":
        subprocess.run(
            [*self.as_user, str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--no-sync", "--no-instructions"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env, cwd=self.tmp,
        )
        log = open(self.tmp / "server.log", "wb")
        self.proc = subprocess.Popen(
            [*self.as_user, str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.tmp}",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=300", "-c", "shared_buffers=64MB"],
            stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp, start_new_session=True,
        )
        log.close()
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the test PostgreSQL server exited:\n{self.log()[-3000:]}")
            try:
                with psycopg.connect(self.admin_url, connect_timeout=2):
                    return self
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the test PostgreSQL server did not accept connections:\n{self.log()[-3000:]}") from None
                time.sleep(0.1)

    def log(self) -> str:
        try:
            return (self.tmp / "server.log").read_text(errors="replace")
        except OSError:
            return ""

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        shutil.rmtree(self.tmp, ignore_errors=True)
