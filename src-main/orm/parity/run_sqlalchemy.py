"""Runs a session scenario with real SQLAlchemy on a SQLite file, and prints what happened as JSON.

The reference side of Schemist's ORM parity tests (sqlalchemy-parity-suite.test.ts): the same
scenario runs through Schemist's session manager, and the statements, object states and final
rows are compared. Usage: run_sqlalchemy.py, with [{"path": <database.sqlite>, "scenario": {...}}, ...] on stdin;
prints the outcomes in the same order (one process for all, so SQLAlchemy is imported once).
"""
import json
import sys

from sqlalchemy import Column, ForeignKey, Integer, String, Table, create_engine, event, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


city_user = Table(
    "city_user",
    Base.metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("city_id", ForeignKey("cities.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String)
    login: Mapped[str] = mapped_column(String, unique=True)
    posts: Mapped[list["Post"]] = relationship(back_populates="user", cascade="all, delete-orphan")
    profile: Mapped["Profile | None"] = relationship(back_populates="user", cascade="all, delete-orphan", uselist=False, passive_deletes=True)
    cities: Mapped[list["City"]] = relationship(secondary=city_user, back_populates="users")


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", onupdate="CASCADE"))
    title: Mapped[str] = mapped_column(String)
    user: Mapped["User"] = relationship(back_populates="posts")


class Profile(Base):
    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE", onupdate="CASCADE"), unique=True)
    bio: Mapped[str | None] = mapped_column(String)
    user: Mapped["User"] = relationship(back_populates="profile")


class City(Base):
    __tablename__ = "cities"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String)
    users: Mapped[list["User"]] = relationship(secondary=city_user, back_populates="cities")


class Node(Base):
    __tablename__ = "nodes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    parent: Mapped["Node | None"] = relationship(back_populates="node_children", remote_side=[id])
    node_children: Mapped[list["Node"]] = relationship(back_populates="parent", cascade="all, delete-orphan")


CLASSES = {"users": User, "posts": Post, "profiles": Profile, "cities": City, "nodes": Node}


def state_of(obj):
    i = inspect(obj)
    for s in ("transient", "pending", "persistent", "deleted", "detached"):
        if getattr(i, s):
            return s
    return "unknown"


def main():
    json.dump([run(job["path"], job["scenario"]) for job in json.load(sys.stdin)], sys.stdout)


def run(path, scenario):
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fk(dbapi, _rec):
        dbapi.execute("PRAGMA foreign_keys = ON")

    statements = []
    recording = [True]

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany):
        if not recording[0]:
            return
        many = executemany and len(parameters) > 0 and isinstance(parameters[0], (list, tuple, dict))
        for p in parameters if many else [parameters]:
            statements.append({"sql": statement, "params": list(p.values()) if isinstance(p, dict) else list(p)})

    session = Session(engine, autoflush=scenario.get("autoflush", True))
    env = {}
    nested = {}
    error = None
    try:
        for op in scenario["ops"]:
            kind = op[0]
            if kind == "get":
                env[op[1]] = session.get(CLASSES[op[2]], op[3])
            elif kind == "query":
                cls = CLASSES[op[2]]
                env[op[1]] = session.scalars(select(cls).filter_by(**op[3])).first()
            elif kind == "load":
                getattr(env[op[1]], op[2])
            elif kind == "set":
                setattr(env[op[1]], op[2], op[3])
            elif kind == "setref":
                setattr(env[op[1]], op[2], env[op[3]] if op[3] is not None else None)
            elif kind == "new":
                env[op[1]] = CLASSES[op[2]](**op[3])
            elif kind == "add":
                session.add(env[op[1]])
            elif kind == "append":
                getattr(env[op[1]], op[2]).append(env[op[3]])
            elif kind == "remove":
                getattr(env[op[1]], op[2]).remove(env[op[3]])
            elif kind == "delete":
                session.delete(env[op[1]])
            elif kind == "flush":
                session.flush()
            elif kind == "commit":
                session.commit()
            elif kind == "rollback":
                session.rollback()
            elif kind == "expunge":
                session.expunge(env[op[1]])
            elif kind == "close":
                session.close()
            elif kind == "new_session":
                session = Session(engine, autoflush=scenario.get("autoflush", True))
            elif kind == "merge":
                env[op[1]] = session.merge(env[op[2]])
            elif kind == "refresh":
                session.refresh(env[op[1]])
            elif kind == "expire":
                session.expire(env[op[1]])
            elif kind == "nested_begin":
                nested[op[1]] = session.begin_nested()
            elif kind == "nested_commit":
                nested[op[1]].commit()
            elif kind == "nested_rollback":
                nested[op[1]].rollback()
            elif kind == "read":
                getattr(env[op[1]], op[2])
            else:
                raise ValueError(f"unknown op {kind}")
    except Exception as e:  # the scenario's own failure is part of what is compared
        error = type(e).__name__
    recording[0] = False
    states = {name: state_of(obj) for name, obj in env.items() if obj is not None}
    keys = {}
    for name, obj in env.items():
        if obj is not None:
            # The object's key as the session knows it (its identity), else what it holds.
            identity = inspect(obj).identity
            keys[name] = identity[0] if identity else inspect(obj).dict.get("id")
    session.close()
    tables = {}
    with engine.connect() as c:
        for t in ("users", "posts", "profiles", "cities", "city_user", "nodes"):
            tables[t] = [list(r) for r in c.exec_driver_sql(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()]
    engine.dispose()
    return {"statements": statements, "states": states, "keys": keys, "tables": tables, "error": error}


if __name__ == "__main__":
    main()
