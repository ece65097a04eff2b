"""The catalog of blocking APIs: one row per API, with the category that explains the remedy.

Names are canonical qualified names (see ``knowledge/names.py``); a method on an instance is
``<type>.<method>`` (``requests.Session.get``), the type coming from value tracking
(``knowledge/types.py``). A ``*`` in a name matches any run of characters, dots included.
Users add rows with ``extend-blocking-calls`` and remove them with ``allowed-blocking-calls``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    remedy: str


SLEEP = Category("sleep", "use `await asyncio.sleep(...)`")
INPUT = Category("input", "never read the terminal from a server; remove it")
HTTP = Category("http", "use an async client such as `httpx.AsyncClient` with `await`")
PROCESS = Category(
    "process",
    "use `asyncio.create_subprocess_exec(...)` or run it with `await run_in_threadpool(...)`",
)
FILE = Category(
    "file",
    "use `anyio.Path` / `aiofiles`, or run it with `await run_in_threadpool(...)`",
)
NETWORK = Category(
    "network", "use an asyncio-based client, or run it with `await run_in_threadpool(...)`"
)
DATABASE = Category(
    "database",
    "use an async driver (asyncpg, aiosqlite, motor, `redis.asyncio`, aioboto3...), or make the "
    "endpoint a plain `def` so FastAPI runs it in the threadpool",
)
METADATA = Category(
    "metadata",
    "a metadata call on a local disk takes microseconds; on a network file system, use "
    "`anyio.Path` or run it with `await run_in_threadpool(...)`",
)
CPU = Category("cpu", "hashing is CPU-bound by design: run it with `await run_in_threadpool(...)`")
CUSTOM = Category("custom", "run it with `await run_in_threadpool(...)` (configured as blocking)")


@dataclass(frozen=True, slots=True)
class BlockingApi:
    name: str  # the qualified name as it appears in the catalog (may hold `*`)
    category: Category


def _methods(owner: str, names: str) -> list[str]:
    return [f"{owner}.{name}" for name in names.split()]


_HTTP_VERBS = "get post put patch delete head options request"

_ROWS: list[tuple[Category, list[str]]] = [
    (SLEEP, ["time.sleep"]),
    (INPUT, ["input"]),
    (
        HTTP,
        [
            *_methods("requests", _HTTP_VERBS),
            *_methods("requests.api", _HTTP_VERBS),
            *_methods("requests.Session", _HTTP_VERBS + " send"),
            *_methods("httpx", _HTTP_VERBS + " stream"),
            *_methods("httpx.Client", _HTTP_VERBS + " send stream"),
            "urllib.request.urlopen",
            "urllib.request.urlretrieve",
            "urllib.request.OpenerDirector.open",
            "urllib3.request",
            *_methods(
                "urllib3.PoolManager", "request urlopen request_encode_url request_encode_body"
            ),
            *_methods("urllib3.HTTPConnectionPool", "request urlopen"),
            *_methods("urllib3.HTTPSConnectionPool", "request urlopen"),
            *_methods("http.client.HTTPConnection", "request getresponse connect"),
            *_methods("http.client.HTTPSConnection", "request getresponse connect"),
        ],
    ),
    (
        PROCESS,
        [
            *_methods("subprocess", "run call check_call check_output getoutput getstatusoutput"),
            *_methods("subprocess.Popen", "wait communicate"),
            *_methods(
                "os",
                "system popen wait waitpid wait3 wait4 waitid "
                "spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe",
            ),
        ],
    ),
    (
        FILE,
        [
            "open",
            "io.open",
            *_methods("os", "listdir scandir walk truncate mkfifo removedirs renames"),
            *_methods(
                "shutil",
                "copy copy2 copyfile copyfileobj copytree copymode copystat move rmtree "
                "make_archive unpack_archive",
            ),
            *_methods(
                "pathlib.Path",
                "read_text read_bytes write_text write_bytes open iterdir glob rglob walk copy "
                "copy_into move move_into",
            ),
            # An archive opened on an in-memory buffer reads nothing from disk: only the methods
            # that write to (or read from) the file system are listed, not the constructors.
            *_methods("zipfile.ZipFile", "extractall extract write"),
            *_methods("tarfile.TarFile", "extractall extract add"),
            "paramiko.SSHConfig.from_path",
            *_methods(
                "kubernetes.config",
                "load_kube_config load_incluster_config list_kube_config_contexts",
            ),
        ],
    ),
    # One system call on a file's metadata (FAPI105, not FAPI101): microseconds on a local disk.
    (
        METADATA,
        [
            *_methods(
                "os",
                "remove unlink rmdir mkdir makedirs rename replace stat lstat chmod chown lchown "
                "link symlink readlink utime statvfs",
            ),
            *_methods(
                "os.path",
                "exists lexists isfile isdir islink ismount getsize getmtime getatime getctime "
                "samefile",
            ),
            *_methods("shutil", "disk_usage chown"),
            *_methods(
                "pathlib.Path",
                "exists is_file is_dir is_symlink is_mount stat lstat mkdir rmdir unlink touch "
                "rename replace chmod lchmod samefile owner group readlink hardlink_to "
                "symlink_to",
            ),
            # Creating a temporary file or directory: one system call, like `touch`/`mkdir`.
            *_methods(
                "tempfile", "NamedTemporaryFile TemporaryFile TemporaryDirectory mkstemp mkdtemp"
            ),
        ],
    ),
    (
        NETWORK,
        [
            *_methods(
                "socket",
                "create_connection getaddrinfo gethostbyname gethostbyname_ex gethostbyaddr getfqdn",
            ),
            *_methods(
                "socket.socket",
                "connect connect_ex accept recv recv_into recvfrom recvfrom_into recvmsg send "
                "sendall sendto sendmsg sendfile",
            ),
            *_methods(
                "ssl.SSLSocket",
                "connect accept recv recv_into send sendall do_handshake read write",
            ),
            "smtplib.SMTP",
            *_methods(
                "smtplib.SMTP",
                "connect ehlo helo starttls login sendmail send_message quit noop verify",
            ),
            "ftplib.FTP",
            *_methods(
                "ftplib.FTP",
                "connect login cwd nlst dir mlsd retrbinary retrlines storbinary storlines "
                "delete rename mkd rmd size quit",
            ),
            *_methods(
                "ldap3.Connection", "bind open search add modify delete modify_dn compare extend"
            ),
            # websocket-client (`import websocket`); the async `websockets` package is another name.
            "websocket.create_connection",
            *_methods("websocket.WebSocket", "connect send send_binary recv recv_data ping close"),
            "pyln.client.LightningRpc.*",
            *_methods("paramiko.SSHClient", "connect exec_command open_sftp"),
            *_methods(
                "paramiko.SFTPClient",
                "get put getfo putfo listdir listdir_attr stat lstat remove unlink rename mkdir "
                "rmdir open file chdir",
            ),
            "kubernetes.client.CoreV1Api.*",
            "kubernetes.client.AppsV1Api.*",
            "kubernetes.client.BatchV1Api.*",
            "kubernetes.client.NetworkingV1Api.*",
            "kubernetes.client.CustomObjectsApi.*",
            # Azure SDK: the sync clients (`azure.storage.blob.aio` holds the async ones).
            *_methods(
                "azure.storage.blob.BlobClient",
                "upload_blob download_blob delete_blob exists get_blob_properties "
                "set_blob_metadata start_copy_from_url create_snapshot",
            ),
            *_methods(
                "azure.storage.blob.ContainerClient",
                "upload_blob download_blob delete_blob delete_blobs create_container "
                "delete_container exists get_container_properties",
            ),
            *_methods(
                "azure.storage.blob.BlobServiceClient",
                "create_container delete_container get_service_properties get_account_information",
            ),
            *_methods(
                "azure.storage.filedatalake.DataLakeFileClient",
                "upload_data download_file append_data flush_data create_file delete_file exists "
                "get_file_properties rename_file",
            ),
            *_methods(
                "azure.storage.filedatalake.DataLakeDirectoryClient",
                "create_directory delete_directory exists rename_directory",
            ),
            *_methods("azure.storage.filedatalake.FileSystemClient", "create_file_system exists"),
            # Google Cloud sync clients.
            *_methods("google.cloud.storage.Client", "get_bucket lookup_bucket create_bucket"),
            *_methods("google.cloud.storage.Bucket", "get_blob exists reload delete patch"),
            *_methods(
                "google.cloud.storage.Blob",
                "upload_from_filename upload_from_string upload_from_file download_as_bytes "
                "download_as_string download_as_text download_to_filename download_to_file "
                "exists delete reload compose rewrite",
            ),
            *_methods("google.cloud.bigquery.Client", "query get_table insert_rows_json"),
            "google.cloud.bigquery.QueryJob.result",
            *_methods(
                "google.cloud.secretmanager.SecretManagerServiceClient",
                "access_secret_version get_secret list_secrets add_secret_version",
            ),
            "slack_sdk.WebClient.*",
            "slack_sdk.web.WebClient.*",
            "slack_sdk.web.client.WebClient.*",
            "sendgrid.SendGridAPIClient.send",
            *_methods(
                "minio.Minio",
                "put_object get_object fput_object fget_object remove_object stat_object "
                "bucket_exists make_bucket remove_bucket copy_object",
            ),
            *_methods(
                "elasticsearch.Elasticsearch",
                "search index get delete update count exists bulk mget msearch ping info scroll "
                "clear_scroll delete_by_query update_by_query create",
            ),
            "pika.BlockingConnection",
            *_methods(
                "pika.adapters.blocking_connection.BlockingChannel",
                "basic_publish basic_get queue_declare exchange_declare queue_bind",
            ),
        ],
    ),
    (
        DATABASE,
        [
            "sqlite3.connect",
            *_methods(
                "sqlite3.Connection", "execute executemany executescript commit rollback backup"
            ),
            *_methods(
                "sqlite3.Cursor", "execute executemany executescript fetchone fetchmany fetchall"
            ),
            "psycopg2.connect",
            *_methods("psycopg2.extensions.connection", "commit rollback"),
            *_methods(
                "psycopg2.extensions.cursor",
                "execute executemany callproc fetchone fetchmany fetchall copy_from copy_to copy_expert",
            ),
            "psycopg.connect",
            "psycopg.Connection.connect",
            *_methods("psycopg.Connection", "execute commit rollback"),
            *_methods("psycopg.Cursor", "execute executemany fetchone fetchmany fetchall copy"),
            "pymysql.connect",
            *_methods("pymysql.connections.Connection", "commit rollback ping query"),
            *_methods(
                "pymysql.cursors.Cursor", "execute executemany callproc fetchone fetchmany fetchall"
            ),
            "MySQLdb.connect",
            *_methods("MySQLdb.connections.Connection", "commit rollback ping query"),
            *_methods(
                "MySQLdb.cursors.Cursor", "execute executemany callproc fetchone fetchmany fetchall"
            ),
            *_methods(
                "pymongo.collection.Collection",
                "find_one find insert_one insert_many update_one update_many replace_one "
                "delete_one delete_many count_documents estimated_document_count aggregate "
                "distinct find_one_and_update find_one_and_replace find_one_and_delete bulk_write "
                "create_index drop",
            ),
            *_methods(
                "pymongo.database.Database",
                "command list_collection_names create_collection drop_collection",
            ),
            *_methods("pymongo.MongoClient", "server_info list_database_names drop_database"),
            *_methods("oracledb", "connect"),
            *_methods("cx_Oracle", "connect"),
            *_methods("pyodbc", "connect"),
            *_methods("pymssql", "connect"),
            "redis.Redis.*",
            "redis.client.Pipeline.execute",
            "boto3.Client.*",
            "boto3.Resource.*",
        ],
    ),
    (
        CPU,
        [
            *_methods("bcrypt", "hashpw checkpw kdf"),
            *_methods("passlib.context.CryptContext", "hash verify verify_and_update encrypt"),
            *_methods("passlib.hash.*", "hash verify encrypt"),
            *_methods("argon2.PasswordHasher", "hash verify"),
            *_methods("hashlib", "pbkdf2_hmac scrypt"),
        ],
    ),
]

# Methods on wildcard rows that do no I/O.
_NON_BLOCKING = frozenset(
    {
        "redis.Redis.pipeline",
        "redis.Redis.pubsub",
        "redis.Redis.lock",
        "redis.Redis.from_url",
        "redis.Redis.get_encoder",
        "redis.Redis.get_connection_kwargs",
        "redis.Redis.register_script",
        "boto3.Client.get_paginator",
        "boto3.Client.get_waiter",
        "boto3.Client.can_paginate",
        "boto3.Client.generate_presigned_url",
        "boto3.Client.generate_presigned_post",
        "boto3.Resource.Bucket",
        "boto3.Resource.Object",
        "boto3.Resource.Table",
        "boto3.Resource.Queue",
    }
)

# Audit of the sync clients of widely used PyPI packages that talk to networks, databases and
# disks (December 2026). Added above: websocket-client, pyln-client, the Azure storage clients
# (blob, data lake), Google Cloud storage / BigQuery / Secret Manager, paramiko, kubernetes
# (API classes and the config loaders, which read files), zipfile/tarfile extraction and
# writes, tempfile's file-creating functions (metadata calls, FAPI105), slack_sdk's WebClient, sendgrid, minio,
# elasticsearch, pika's BlockingConnection, and the connect functions of oracledb, cx_Oracle,
# pyodbc and pymssql. Deliberately not added:
# * constructors of archives (`zipfile.ZipFile(io.BytesIO(data))` reads memory, not disk) and
#   `tempfile.SpooledTemporaryFile` (memory until it rolls over);
# * clients reached through attribute chains the value tracking does not follow yet
#   (`openai.OpenAI().chat.completions.create`, `twilio.rest.Client().messages.create`,
#   `elasticsearch.Elasticsearch().indices.create`), and stripe's resource classes (its module-level
#   API has `*_async` twins, and `stripe.X.create` names hundreds of resources);
# * kafka-python's `KafkaProducer.send` (it returns a future; only a full buffer blocks) and
#   google-cloud-pubsub's `publish` (batched in a background thread);
# * clients whose package is async-only or names its async client differently already
#   (`aioboto3`, `motor`, `redis.asyncio`, `httpx.AsyncClient`, `azure.*.aio`).


class Catalog:
    """Looks a qualified call target up in the built-in rows plus the user's configuration."""

    def __init__(self, extend: Iterable[str] = (), allowed: Iterable[str] = ()) -> None:
        self._exact: dict[str, BlockingApi] = {}
        wildcards: list[tuple[str, BlockingApi]] = []
        for category, names in _ROWS:
            for name in names:
                api = BlockingApi(name, category)
                if "*" in name:
                    wildcards.append((name, api))
                else:
                    self._exact[name] = api
        for pattern in extend:
            api = BlockingApi(pattern, CUSTOM)
            if any(ch in pattern for ch in "*?["):
                wildcards.append((pattern, api))
            else:
                self._exact[pattern] = api
        self._wildcards = [(_compile(pattern), api) for pattern, api in wildcards]
        # What every wildcard's target starts with (up to its first wildcard character): a
        # target with none of these prefixes skips the regular expressions.
        self._wildcard_prefixes = tuple(
            {re.split(r"[*?\[]", pattern, maxsplit=1)[0] for pattern, _ in wildcards}
        )
        self._allowed = [_compile(pattern) for pattern in allowed]

    def match(self, target: str) -> BlockingApi | None:
        api = self._exact.get(target)
        if api is None:
            if target in _NON_BLOCKING or target.endswith(".__init__"):
                return None
            if not target.startswith(self._wildcard_prefixes):
                return None
            for regex, candidate in self._wildcards:
                if regex.fullmatch(target):
                    api = candidate
                    break
        if api is None:
            return None
        if any(regex.fullmatch(target) for regex in self._allowed):
            return None
        return api


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    # Shell-style: `*` matches any run of characters, dots included.
    return re.compile(fnmatch.translate(pattern))


@lru_cache(maxsize=64)
def catalog_for(extend: tuple[str, ...], allowed: tuple[str, ...]) -> Catalog:
    return Catalog(extend, allowed)


def all_rows() -> list[BlockingApi]:
    """Every built-in row, for documentation and tests."""
    return [BlockingApi(name, category) for category, names in _ROWS for name in names]


def catalog_from(ctx) -> Catalog:
    """The catalog with the run's `extend-blocking-calls` / `allowed-blocking-calls`."""
    settings = ctx.options
    return catalog_for(
        tuple(settings.extend_blocking_calls), tuple(settings.allowed_blocking_calls)
    )


def event_loop_call(node, ctx) -> tuple[str, BlockingApi] | None:
    """(qualified target, catalog row) of a call made where the event loop runs it; None for
    any other call. FAPI101 and FAPI105 split the rows by category."""
    frame = ctx.frame
    if frame is None or not frame.on_event_loop:
        return None
    target = ctx.call_target(node, frame)
    if target is None:
        return None
    api = catalog_from(ctx).match(target)
    return None if api is None else (target, api)


def catalog_for_project(project) -> Catalog:
    """The catalog of a project pass (the run's settings; built-in rows without them)."""
    settings = project.options
    return catalog_for(
        tuple(settings.extend_blocking_calls), tuple(settings.allowed_blocking_calls)
    )


# -- FAPI103: synchronous SQLAlchemy -------------------------------------------------------

# Methods of synchronous SQLAlchemy objects that talk to the database.
SYNC_DATABASE_TYPES: dict[str, str] = {
    "sqlalchemy.orm.Session": "session",
    "sqlalchemy.Engine": "engine",
    "sqlalchemy.engine.Engine": "engine",
    "sqlalchemy.Connection": "connection",
    "sqlalchemy.engine.Connection": "connection",
    # A scoped_session proxies the methods of the session it holds.
    "sqlalchemy.orm.scoped_session": "session",
    "sqlalchemy.engine.reflection.Inspector": "inspector",
}
SYNC_DATABASE_METHODS: dict[str, frozenset[str]] = {
    "session": frozenset(
        "query execute scalars scalar get get_one commit refresh flush merge rollback "
        "connection bulk_save_objects bulk_insert_mappings bulk_update_mappings".split()
    ),
    "engine": frozenset("connect begin execute raw_connection".split()),
    "connection": frozenset("execute exec_driver_sql scalar scalars commit rollback".split()),
    "inspector": frozenset(
        "get_schema_names get_table_names get_view_names get_columns get_pk_constraint "
        "get_foreign_keys get_indexes get_unique_constraints has_table has_schema".split()
    ),
}


def sync_database_call(target: str) -> tuple[str, str] | None:
    """(kind, method) when ``target`` is a database round trip on a synchronous SQLAlchemy object."""
    owner, _, method = target.rpartition(".")
    kind = SYNC_DATABASE_TYPES.get(owner)
    if kind is not None and method in SYNC_DATABASE_METHODS[kind]:
        return kind, method
    return None


def database_sink(target: str) -> BlockingApi | None:
    """A sync SQLAlchemy round trip as the end of a FAPI102 chain: a sync helper that runs
    ``session.execute(...)`` blocks whoever calls it from an ``async def`` (FAPI103 reports the
    direct calls; the catalog rows stay out of FAPI101 so they are not reported twice)."""
    found = sync_database_call(target)
    return BlockingApi(target, DATABASE) if found is not None else None


# -- FAPI104: coroutine functions of libraries -------------------------------------------------

ASYNC_APIS = frozenset(
    {
        "asyncio.sleep",
        "asyncio.wait_for",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
        "asyncio.open_connection",
        "anyio.sleep",
        "starlette.concurrency.run_in_threadpool",
        "anyio.to_thread.run_sync",
        "asyncio.to_thread",
        *(
            f"httpx.AsyncClient.{m}"
            for m in "get post put patch delete head options request send aclose".split()
        ),
        *(
            f"sqlalchemy.ext.asyncio.AsyncSession.{m}"
            for m in "execute scalars scalar get commit refresh flush rollback close merge delete".split()
        ),
        *(f"starlette.requests.Request.{m}" for m in "json body form close".split()),
        *(
            f"starlette.websockets.WebSocket.{m}"
            for m in "accept close send send_text send_bytes send_json receive receive_text "
            "receive_bytes receive_json".split()
        ),
        *(f"starlette.datastructures.UploadFile.{m}" for m in "read write seek close".split()),
        *(f"fastapi.UploadFile.{m}" for m in "read write seek close".split()),
    }
)
