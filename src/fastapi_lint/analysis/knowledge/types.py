"""What calling a library API returns, so that values can be followed through assignments.

``s = requests.Session()`` makes ``s`` a ``requests.Session``; ``s.get(...)`` is then the call
``requests.Session.get``. Keys and values are canonical qualified names (see ``names.canonical``).
A class whose constructor returns an instance of itself does not need an entry when its
qualified name is already what rules look for; entries here are for factories and for
constructors whose public name differs from the type rules match on.
"""

from __future__ import annotations

RETURN_TYPES: dict[str, str] = {
    # HTTP clients
    "requests.Session": "requests.Session",
    "requests.get": "requests.Response",
    "requests.post": "requests.Response",
    "requests.put": "requests.Response",
    "requests.patch": "requests.Response",
    "requests.delete": "requests.Response",
    "requests.head": "requests.Response",
    "requests.options": "requests.Response",
    "requests.request": "requests.Response",
    "httpx.Client": "httpx.Client",
    "httpx.AsyncClient": "httpx.AsyncClient",
    "httpx.get": "httpx.Response",
    "httpx.post": "httpx.Response",
    "httpx.put": "httpx.Response",
    "httpx.patch": "httpx.Response",
    "httpx.delete": "httpx.Response",
    "httpx.request": "httpx.Response",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "urllib3.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.HTTPSConnectionPool": "urllib3.HTTPSConnectionPool",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    # paths
    "pathlib.Path": "pathlib.Path",
    "pathlib.PurePath": "pathlib.PurePath",
    "pathlib.Path.cwd": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "pathlib.Path.resolve": "pathlib.Path",
    "pathlib.Path.absolute": "pathlib.Path",
    "pathlib.Path.expanduser": "pathlib.Path",
    "pathlib.Path.with_name": "pathlib.Path",
    "pathlib.Path.with_suffix": "pathlib.Path",
    "pathlib.Path.with_stem": "pathlib.Path",
    "pathlib.Path.joinpath": "pathlib.Path",
    "pathlib.Path.relative_to": "pathlib.Path",
    "pathlib.Path.parent": "pathlib.Path",
    "anyio.Path": "anyio.Path",
    # sockets and network protocols
    "socket.socket": "socket.socket",
    "socket.create_connection": "socket.socket",
    "socket.create_server": "socket.socket",
    "socket.socket.accept": "tuple",
    "ssl.wrap_socket": "ssl.SSLSocket",
    "ssl.create_default_context": "ssl.SSLContext",
    "ssl.SSLContext": "ssl.SSLContext",
    "ssl.SSLContext.wrap_socket": "ssl.SSLSocket",
    "smtplib.SMTP": "smtplib.SMTP",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "ftplib.FTP": "ftplib.FTP",
    "ftplib.FTP_TLS": "ftplib.FTP",
    "ldap3.Connection": "ldap3.Connection",
    # databases
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "psycopg2.connect": "psycopg2.extensions.connection",
    "psycopg2.extensions.connection.cursor": "psycopg2.extensions.cursor",
    "psycopg.connect": "psycopg.Connection",
    "psycopg.Connection.connect": "psycopg.Connection",
    "psycopg.Connection.cursor": "psycopg.Cursor",
    "pymysql.connect": "pymysql.connections.Connection",
    "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
    "MySQLdb.connect": "MySQLdb.connections.Connection",
    "MySQLdb.connections.Connection.cursor": "MySQLdb.cursors.Cursor",
    "pymongo.MongoClient": "pymongo.MongoClient",
    "redis.Redis": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.Redis.pipeline": "redis.client.Pipeline",
    "boto3.client": "boto3.Client",
    "boto3.resource": "boto3.Resource",
    "boto3.session.Session": "boto3.session.Session",
    "boto3.Session": "boto3.session.Session",
    "boto3.session.Session.client": "boto3.Client",
    "boto3.session.Session.resource": "boto3.Resource",
    # SQLAlchemy
    "sqlalchemy.create_engine": "sqlalchemy.Engine",
    "sqlalchemy.engine.create_engine": "sqlalchemy.Engine",
    "sqlmodel.create_engine": "sqlalchemy.Engine",
    "sqlalchemy.Engine.connect": "sqlalchemy.Connection",
    "sqlalchemy.Engine.begin": "sqlalchemy.Connection",
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.sessionmaker.__call__": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.sessionmaker.begin": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.scoped_session": "sqlalchemy.orm.scoped_session",
    "sqlalchemy.orm.scoped_session.__call__": "sqlalchemy.orm.Session",
    "sqlalchemy.inspect": "sqlalchemy.engine.reflection.Inspector",
    "sqlalchemy.ext.asyncio.create_async_engine": "sqlalchemy.ext.asyncio.AsyncEngine",
    "sqlalchemy.ext.asyncio.async_sessionmaker": "sqlalchemy.ext.asyncio.async_sessionmaker",
    "sqlalchemy.ext.asyncio.async_sessionmaker.__call__": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    # password hashing
    "passlib.context.CryptContext": "passlib.context.CryptContext",
    "argon2.PasswordHasher": "argon2.PasswordHasher",
    # subprocess
    "subprocess.Popen": "subprocess.Popen",
    # archives and temporary files
    "zipfile.ZipFile": "zipfile.ZipFile",
    "tarfile.open": "tarfile.TarFile",
    "tarfile.TarFile": "tarfile.TarFile",
    "tarfile.TarFile.open": "tarfile.TarFile",
    # network clients (see the catalog's audit)
    "websocket.create_connection": "websocket.WebSocket",
    "websocket.WebSocket": "websocket.WebSocket",
    "pyln.client.LightningRpc": "pyln.client.LightningRpc",
    "paramiko.SSHClient": "paramiko.SSHClient",
    "paramiko.SSHClient.open_sftp": "paramiko.SFTPClient",
    "paramiko.SFTPClient.from_transport": "paramiko.SFTPClient",
    "kubernetes.client.CoreV1Api": "kubernetes.client.CoreV1Api",
    "kubernetes.client.AppsV1Api": "kubernetes.client.AppsV1Api",
    "kubernetes.client.BatchV1Api": "kubernetes.client.BatchV1Api",
    "kubernetes.client.NetworkingV1Api": "kubernetes.client.NetworkingV1Api",
    "kubernetes.client.CustomObjectsApi": "kubernetes.client.CustomObjectsApi",
    "azure.storage.blob.BlobServiceClient": "azure.storage.blob.BlobServiceClient",
    "azure.storage.blob.BlobServiceClient.from_connection_string": (
        "azure.storage.blob.BlobServiceClient"
    ),
    "azure.storage.blob.BlobServiceClient.get_blob_client": "azure.storage.blob.BlobClient",
    "azure.storage.blob.BlobServiceClient.get_container_client": (
        "azure.storage.blob.ContainerClient"
    ),
    "azure.storage.blob.ContainerClient": "azure.storage.blob.ContainerClient",
    "azure.storage.blob.ContainerClient.from_connection_string": (
        "azure.storage.blob.ContainerClient"
    ),
    "azure.storage.blob.ContainerClient.get_blob_client": "azure.storage.blob.BlobClient",
    "azure.storage.blob.BlobClient": "azure.storage.blob.BlobClient",
    "azure.storage.blob.BlobClient.from_connection_string": "azure.storage.blob.BlobClient",
    "azure.storage.blob.BlobClient.from_blob_url": "azure.storage.blob.BlobClient",
    "azure.storage.filedatalake.DataLakeServiceClient.get_file_system_client": (
        "azure.storage.filedatalake.FileSystemClient"
    ),
    "azure.storage.filedatalake.FileSystemClient.get_file_client": (
        "azure.storage.filedatalake.DataLakeFileClient"
    ),
    "azure.storage.filedatalake.FileSystemClient.get_directory_client": (
        "azure.storage.filedatalake.DataLakeDirectoryClient"
    ),
    "azure.storage.filedatalake.DataLakeDirectoryClient.get_file_client": (
        "azure.storage.filedatalake.DataLakeFileClient"
    ),
    "azure.storage.filedatalake.DataLakeFileClient": (
        "azure.storage.filedatalake.DataLakeFileClient"
    ),
    "google.cloud.storage.Client": "google.cloud.storage.Client",
    "google.cloud.storage.Client.bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.Client.get_bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.Bucket.blob": "google.cloud.storage.Blob",
    "google.cloud.storage.Bucket.get_blob": "google.cloud.storage.Blob",
    "google.cloud.bigquery.Client": "google.cloud.bigquery.Client",
    "google.cloud.bigquery.Client.query": "google.cloud.bigquery.QueryJob",
    "google.cloud.secretmanager.SecretManagerServiceClient": (
        "google.cloud.secretmanager.SecretManagerServiceClient"
    ),
    "slack_sdk.WebClient": "slack_sdk.WebClient",
    "slack_sdk.web.WebClient": "slack_sdk.WebClient",
    "slack_sdk.web.client.WebClient": "slack_sdk.WebClient",
    "sendgrid.SendGridAPIClient": "sendgrid.SendGridAPIClient",
    "minio.Minio": "minio.Minio",
    "elasticsearch.Elasticsearch": "elasticsearch.Elasticsearch",
    "pika.BlockingConnection": "pika.BlockingConnection",
    "pika.BlockingConnection.channel": "pika.adapters.blocking_connection.BlockingChannel",
}

# Type stubs that name a library's runtime type under another module (used in annotations,
# often behind ``TYPE_CHECKING``): (module prefix, class-name suffix) -> the runtime type.
STUB_TYPES: tuple[tuple[str, str, str], ...] = (
    ("mypy_boto3_", "Client", "boto3.Client"),
    ("mypy_boto3_", "ServiceResource", "boto3.Resource"),
    ("types_boto3_", "Client", "boto3.Client"),
    ("types_boto3_", "ServiceResource", "boto3.Resource"),
    ("botocore.client.", "BaseClient", "boto3.Client"),
)


def runtime_type(qualname: str | None) -> str | None:
    """``mypy_boto3_s3.client.S3Client`` -> ``boto3.Client``; other names unchanged."""
    if qualname is None or not qualname.startswith(("mypy_boto3_", "types_boto3_", "botocore.")):
        return qualname
    for prefix, suffix, runtime in STUB_TYPES:
        if qualname.startswith(prefix) and qualname.endswith(suffix):
            return runtime
    return qualname


# Decorators that pass a sync SQLAlchemy session to the function they wrap (Airflow's
# `@provide_session` and its look-alikes), and the parameter names they fill.
SESSION_INJECTORS = frozenset({"provide_session", "with_session", "inject_session"})
INJECTED_SESSION_PARAMS = frozenset({"session", "db_session"})

# Generic mappings: ``dict[str, S3Service]`` subscripted is an ``S3Service``.
MAPPING_ORIGINS = frozenset(
    {
        "dict",
        "typing.Dict",
        "typing.Mapping",
        "typing.MutableMapping",
        "typing.DefaultDict",
        "typing.OrderedDict",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.abc.Mapping",
        "collections.abc.MutableMapping",
    }
)

# Types whose ``/`` operator yields another path.
PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath"})

# Types whose every attribute (and subscript) is another known type: `client.shop.orders` is a
# pymongo collection whatever the database and collection are called.
ANY_ATTRIBUTE_TYPES: dict[str, str] = {
    "pymongo.MongoClient": "pymongo.database.Database",
    "pymongo.database.Database": "pymongo.collection.Collection",
}
# Class methods that return an instance of the class they are called on: Pydantic's model
# constructors in their v1 and v2 spellings (``User.parse_obj(data)`` is a ``User``).
CONSTRUCTOR_METHODS = frozenset(
    {
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "validate",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "model_construct",
    }
)
# Methods that return a copy of their receiver, of the same type.
COPY_METHODS = frozenset({"copy", "model_copy"})
