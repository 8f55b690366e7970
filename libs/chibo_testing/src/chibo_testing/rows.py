"""Row counts of every table a database holds (reflected, not a list kept by hand): a dry run
or any read-only path is shown to write nothing by the counts before and after."""

from __future__ import annotations

import sqlalchemy as sa

from service_kit.db import Database


async def row_counts(db: Database) -> dict[str, int]:
    def tables(conn: sa.Connection) -> list[str]:
        return sorted(sa.inspect(conn).get_table_names())

    async with db.engine.connect() as conn:
        names = await conn.run_sync(tables)
        return {
            name: int(
                (
                    await conn.execute(sa.select(sa.func.count()).select_from(sa.table(name)))
                ).scalar_one()
            )
            for name in names
        }
