"""Migrated databases for tests without running every migration for every test.

Each set of migrations (a service's `migrations/` folder, identified by a hash of its files) is
migrated once into a template: on PostgreSQL a database `tpl_<service>_<hash>` that each test
copies with `CREATE DATABASE … TEMPLATE`; on SQLite a file that each test copies. Templates are
kept between runs (same hash, same schema) and built under a temporary name, then renamed, so a
run that dies half-way never leaves a half-migrated template behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from chibo_testing.servers import get_postgres, servers_dir
from service_kit import migrations

_lock = threading.Lock()
_pg_ready: set[str] = set()


def fingerprint(migrations_dir: Path) -> str:
    """A short hash of every file of a migrations folder (a new revision is a new template)."""
    digest = hashlib.sha1()
    for path in sorted(migrations_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(migrations_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _service_of(migrations_dir: Path) -> str:
    name = migrations_dir.resolve().parent.name
    return "".join(c if c.isalnum() else "_" for c in name.lower())[:20]


def restore(url: str, migrations_dir: Path) -> None:
    """Make the database at `url` a fresh copy of the template for `migrations_dir`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        template = _sqlite_template(migrations_dir)
        target = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, target)
        return
    get_postgres().new_database(parsed.database or "", template=_pg_template(migrations_dir))


def _sqlite_template(migrations_dir: Path) -> Path:
    folder = servers_dir() / "sqlite-templates"
    folder.mkdir(exist_ok=True)
    path = folder / f"{_service_of(migrations_dir)}-{fingerprint(migrations_dir)}.db"
    with _lock:
        if not path.exists():
            scratch = folder / f"build-{uuid.uuid4().hex}.db"
            try:
                migrations.upgrade(migrations_dir, f"sqlite+aiosqlite:///{scratch}")
                os.replace(scratch, path)
            finally:
                scratch.unlink(missing_ok=True)
    return path


def _pg_template(migrations_dir: Path) -> str:
    name = f"tpl_{_service_of(migrations_dir)}_{fingerprint(migrations_dir)}"
    with _lock:
        if name in _pg_ready:
            return name
        server = get_postgres()
        if not server.exists(name):
            scratch = f"tplbuild_{uuid.uuid4().hex[:16]}"
            url = server.new_database(scratch)
            try:
                migrations.upgrade(migrations_dir, url)
                server.rename_database(scratch, name)
            finally:
                server.drop_database(scratch)
        _pg_ready.add(name)
    return name
