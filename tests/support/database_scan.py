"""Reading every table generically, through the models' metadata: what any row holds."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, String, Text, select

from recovery.models import Base
from recovery.runtime import Runtime


def all_rows(runtime: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with runtime.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def places_holding(runtime: Runtime, needle: str) -> list[str]:
    """Each ``table.column`` (text or JSON) of a row whose value contains needle, any case."""
    found = []
    wanted = needle.casefold()
    with runtime.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for row in connection.execute(select(*columns)) if columns else []:
                for column, value in zip(columns, row, strict=True):
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    if wanted in text.casefold():
                        found.append(f"{table.name}.{column.name}")
    return found
