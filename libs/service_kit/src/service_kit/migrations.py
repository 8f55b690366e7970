"""Alembic per service, driven from code: `<service> migrate`, readiness at head, env.py helper."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from service_kit.db import Database


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, url), revision)
    if url.startswith("sqlite"):
        _wal(url)


def _wal(url: str) -> None:
    """Put a SQLite file in WAL mode once, while nothing else has it open: the mode is kept in
    the file. A service switching it on connect can silently fail while another connection reads
    (the file then stays in rollback mode, where a reader blocks the writer's commit)."""
    import sqlite3

    from sqlalchemy.engine import make_url

    path = make_url(url).database
    if not path or path == ":memory:":
        return
    with contextlib.closing(sqlite3.connect(path)) as conn:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"{path}: could not switch to WAL (journal mode {mode})")


def make_revision(migrations_dir: Path, message: str) -> None:
    """Autogenerate the next revision by diffing the models against a scratch database at head."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{scratch}/scratch.db"
        upgrade(migrations_dir, url)
        command.revision(alembic_config(migrations_dir, url), message=message, autogenerate=True)


def head_revision(migrations_dir: Path) -> str | None:
    return ScriptDirectory(str(migrations_dir)).get_current_head()


async def is_at_head(db: Database, migrations_dir: Path) -> bool:
    async with db.read_engine.connect() as conn:
        try:
            current = (
                await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            ).scalar()
        except sa.exc.DBAPIError:
            return False
    return current == head_revision(migrations_dir)


def run_env() -> None:
    """Body of every service's migrations/env.py (models must be imported before calling)."""
    url = context.config.attributes.get("database_url")
    if not url:
        raise RuntimeError("run migrations with `python -m <service> migrate`")

    def run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            await conn.run_sync(run)
            await conn.commit()
        await engine.dispose()

    asyncio.run(main())
