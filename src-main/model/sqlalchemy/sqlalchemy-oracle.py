"""What SQLAlchemy itself builds from a package: each table of each metadata as JSON.

Run by the importer's tests with the vendored SQLAlchemy (never by Schemist itself):
    python3 sqlalchemy-oracle.py <folder holding the package> <package> [<module> ...]
Constraint and index names are the ones the naming convention gives at CREATE time.
"""
import importlib
import json
import sys

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, MetaData, UniqueConstraint
from sqlalchemy.orm import configure_mappers
from sqlalchemy.sql import naming, sqltypes
from sqlalchemy.sql.elements import conv

sys.path.insert(0, sys.argv[1])
modules = [importlib.import_module(m) for m in sys.argv[2:]]
configure_mappers()

metadatas = []
for m in list(sys.modules.values()):
    for v in list(getattr(m, "__dict__", {}).values()):
        if isinstance(v, MetaData) and v not in metadatas and v.tables:
            metadatas.append(v)
    for v in list(getattr(m, "__dict__", {}).values()):
        md = getattr(v, "metadata", None)
        if isinstance(md, MetaData) and md not in metadatas and md.tables:
            metadatas.append(md)


def name_of(c, table):
    n = c.name
    if n is None or n is naming._NONE_NAME or (hasattr(naming, "_defer_name") and isinstance(n, naming._defer_name)):
        n = naming._constraint_name_for_table(c, table)
    if n is None or n is naming._NONE_NAME:
        return None
    return str(n)


def type_of(t):
    out = {"class": type(t).__name__}
    if isinstance(t, sqltypes.Enum):
        out["enums"] = list(t.enums)
        out["length"] = t.length
        out["native"] = t.native_enum
    elif isinstance(t, sqltypes.String):
        out["length"] = t.length
    elif isinstance(t, sqltypes.Numeric):
        out["precision"] = t.precision
        out["scale"] = t.scale
    if isinstance(t, sqltypes.DateTime):
        out["timezone"] = t.timezone
    if isinstance(t, sqltypes.TypeDecorator):
        out = {"decorator": type(t).__name__, **type_of(t.impl_instance)}
    return out


tables = []
for md in metadatas:
    for t in md.sorted_tables:
        auto = t.autoincrement_column
        tables.append({
            "name": t.name,
            "schema": t.schema,
            "comment": t.comment,
            "columns": [
                {
                    "name": c.name,
                    "type": type_of(c.type),
                    "nullable": c.nullable,
                    "primary_key": c.primary_key,
                    "autoincrement": c is auto,
                    "server_default": str(c.server_default.arg.text if hasattr(c.server_default.arg, "text") else c.server_default.arg) if c.server_default is not None else None,
                }
                for c in t.columns
            ],
            "primary_key": {"name": name_of(t.primary_key, t), "columns": [c.name for c in t.primary_key.columns]},
            "foreign_keys": sorted(
                [
                    {
                        "name": name_of(fk, t),
                        "columns": [c.name for c in fk.columns],
                        "ref_table": fk.referred_table.name,
                        "ref_columns": [e.column.name for e in fk.elements],
                        "ondelete": (fk.ondelete or "NO ACTION").upper(),
                        "onupdate": (fk.onupdate or "NO ACTION").upper(),
                    }
                    for fk in t.constraints
                    if isinstance(fk, ForeignKeyConstraint)
                ],
                key=lambda f: json.dumps(f),
            ),
            "uniques": sorted([{"name": name_of(u, t), "columns": [c.name for c in u.columns]} for u in t.constraints if isinstance(u, UniqueConstraint)], key=lambda u: json.dumps(u)),
            "checks": sorted(
                [{"name": name_of(ck, t), "expression": str(ck.sqltext)} for ck in t.constraints if isinstance(ck, CheckConstraint) and not getattr(ck, "_type_bound", False)],
                key=lambda c: json.dumps(c),
            ),
            "indexes": sorted([{"name": name_of(ix, t), "columns": [c.name for c in ix.columns], "unique": bool(ix.unique)} for ix in t.indexes], key=lambda i: json.dumps(i)),
        })

print(json.dumps(sorted(tables, key=lambda t: t["name"]), indent=1))
