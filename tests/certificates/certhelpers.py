"""Helpers for the certificate tests: the test date, the example path, reading a .docx."""

from __future__ import annotations

import io
import zipfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from docx import Document

from addin.resources import workbooks_dir

TODAY = date(2026, 11, 27)
EXAMPLE = workbooks_dir() / "exempel.xlsx"
def docx_text(data: bytes | Path) -> str:
    """All text of a .docx: body paragraphs, table cells, headers and footers."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    doc = Document(io.BytesIO(raw))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


PG_ENV = "AMANST_TEST_POSTGRES_URL"
PG_HOWTO = "run them with a throwaway server: scripts/with-postgres.sh"


def postgres_register():
    """Yield a URL whose search_path is a new schema; drop the schema afterwards."""
    import os
    import secrets
    from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

    import pytest

    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        message = (f"{PG_ENV} is not set: no PostgreSQL server for the register tests "
                   f"({PG_HOWTO})")
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run them: .ci/run starts PostgreSQL)")
        pytest.skip(message)
    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
    parts = urlsplit(url)
    query = parse_qsl(parts.query) + [("options", f"-c search_path={schema}")]
    try:
        yield urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))
    finally:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {schema} CASCADE")


def status_counts(register: str) -> dict[str, int]:
    """Every row of the register by status, including claims (Utfärdas) and voided ones."""
    from addin.certificates.backend import open_store

    with open_store(register) as store:
        return dict(store._read("SELECT status, COUNT(*) FROM certificates GROUP BY status"))


def sequence_last(register: str) -> list[int]:
    from addin.certificates.backend import open_store

    with open_store(register) as store:
        return [r[0] for r in store._read("SELECT last FROM sequences")]


def fill_disk(folder, keep: int = 0):
    """Fill the file system of ``folder`` up to ``keep`` bytes free with a file; return it."""
    import os
    import shutil

    filler = folder / "utfyllnad.bin"
    with open(filler, "wb") as fh:
        chunk = b"\0" * (1 << 16)
        try:
            while shutil.disk_usage(folder).free > keep + len(chunk):
                fh.write(chunk)
                fh.flush()
            while shutil.disk_usage(folder).free > keep:
                fh.write(b"\0" * 512)
                fh.flush()
        except OSError:
            pass
        os.fsync(fh.fileno())
    return filler


def small_disk(folder, size: str):
    """A tmpfs of ``size`` (e.g. "2m") mounted on ``folder`` for the test (we run as root).

    Yields the folder; unmounts afterwards. Where mounting is not allowed the test is skipped:
    without a real full file system there is nothing honest to test.
    """
    import subprocess

    import pytest

    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                           str(folder)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"no tmpfs could be mounted here ({proc.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster of the test's own (initdb, pg_ctl) on a free port; yields
    (url, the command that stops it at once, start). Never the shared server: a test that stops
    this one stops only it."""
    import glob
    import os
    import shutil
    import socket
    import subprocess

    import pytest

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins or os.geteuid() != 0 or shutil.which("su") is None:
        pytest.skip("PostgreSQL binaries (and root, to run them as postgres) are needed")
    pg_bin = bins[-1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    import tempfile
    from pathlib import Path

    base = Path(tempfile.mkdtemp(prefix="amanst-pg-"))  # pytest's folders are private to root
    data = base / "pgdata"
    shutil.chown(base, "postgres")

    def postgres_cmd(*args: str) -> list[str]:
        return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in args)]

    def as_postgres(*args: str) -> None:
        subprocess.run(postgres_cmd(*args), check=True, capture_output=True, timeout=120)

    as_postgres(f"{pg_bin}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E",
                "UTF8")

    def start() -> None:
        as_postgres(f"{pg_bin}/pg_ctl", "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -k {base} -c listen_addresses=127.0.0.1", "start")

    stop = postgres_cmd(f"{pg_bin}/pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    start()
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", stop, start
    finally:
        subprocess.run(postgres_cmd(f"{pg_bin}/pg_ctl", "-D", str(data), "-m", "immediate",
                                    "stop"), capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)
