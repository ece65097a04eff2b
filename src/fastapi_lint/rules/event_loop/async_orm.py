"""Knowledge shared by the async SQLAlchemy rules (FAPI106, FAPI108, FAPI109)."""

from __future__ import annotations

# The asyncio session classes of SQLAlchemy and SQLModel, as the resolver names them.
ASYNC_SESSION_TYPES = frozenset(
    {
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlmodel.ext.asyncio.session.AsyncSession",
    }
)
# Factories of async sessions whose ``expire_on_commit`` defaults to True.
ASYNC_SESSION_FACTORIES = frozenset(
    {
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
        *ASYNC_SESSION_TYPES,
    }
)
# `sessionmaker(class_=AsyncSession)`: the sync factory making async sessions (SQLAlchemy 1.4).
SYNC_SESSION_FACTORIES = frozenset(
    {"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"}
)

ASYNC_ENGINE_FACTORIES = frozenset(
    {
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
    }
)

# dialect -> (sync drivers, the async driver to use instead). The dialect's default driver
# (`postgresql://`) is the sync one. psycopg (3), aiosqlite, asyncpg, aiomysql and asyncmy are
# async; dialects not listed (oracle, mssql) are left alone.
SYNC_DRIVERS: dict[str, tuple[frozenset[str], str]] = {
    "postgresql": (frozenset({"", "psycopg2", "psycopg2cffi", "pg8000", "pygresql"}), "asyncpg"),
    "mysql": (frozenset({"", "pymysql", "mysqldb", "mysqlconnector", "cymysql"}), "aiomysql"),
    "mariadb": (frozenset({"", "pymysql", "mysqldb", "mysqlconnector"}), "aiomysql"),
    "sqlite": (frozenset({"", "pysqlite", "pysqlcipher"}), "aiosqlite"),
}


def sync_driver(url: str) -> tuple[str, str, str] | None:
    """(scheme as written, dialect, async driver) when ``url`` names a sync driver."""
    scheme, separator, _ = url.partition("://")
    if not separator:
        return None
    dialect, _, driver = scheme.partition("+")
    found = SYNC_DRIVERS.get(dialect.lower())
    if found is None or driver.lower() not in found[0]:
        return None
    return scheme, dialect, found[1]
