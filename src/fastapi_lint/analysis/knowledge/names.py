"""Canonical names of the framework APIs the rules talk about.

FastAPI re-exports most of Starlette and exposes the same object under several module paths
(``fastapi.FastAPI`` is ``fastapi.applications.FastAPI``). Every qualified name the resolver
produces goes through ``canonical`` so that rules compare against one spelling.
"""

from __future__ import annotations

FASTAPI = "fastapi.FastAPI"
API_ROUTER = "fastapi.APIRouter"
DEPENDS = "fastapi.Depends"
SECURITY = "fastapi.Security"
BACKGROUND_TASKS = "starlette.background.BackgroundTasks"
BACKGROUND_TASK = "starlette.background.BackgroundTask"
RUN_IN_THREADPOOL = "starlette.concurrency.run_in_threadpool"
CORS_MIDDLEWARE = "starlette.middleware.cors.CORSMiddleware"
MIDDLEWARE = "starlette.middleware.Middleware"
BASE_HTTP_MIDDLEWARE = "starlette.middleware.base.BaseHTTPMiddleware"
HTTP_EXCEPTION = "fastapi.HTTPException"
ANNOTATED = "typing.Annotated"
OPTIONAL = "typing.Optional"
UNION = "typing.Union"
QUERY = "fastapi.Query"
PATH = "fastapi.Path"
HEADER = "fastapi.Header"
COOKIE = "fastapi.Cookie"
BODY = "fastapi.Body"
FORM = "fastapi.Form"
FILE = "fastapi.File"
REQUEST_VALIDATION_ERROR = "fastapi.exceptions.RequestValidationError"
JSONABLE_ENCODER = "fastapi.encoders.jsonable_encoder"
RESPONSE = "starlette.responses.Response"
TYPE_CHECKING = "typing.TYPE_CHECKING"

# The Python version that added a `typing` name the fixes may import: for an older target the
# fix imports it from `typing_extensions` (installed with Pydantic and FastAPI).
TYPING_SINCE: dict[str, tuple[int, int]] = {
    "Annotated": (3, 9),
    "Literal": (3, 8),
    "Final": (3, 8),
    "Protocol": (3, 8),
    "TypedDict": (3, 8),
    "ParamSpec": (3, 10),
    "TypeAlias": (3, 10),
    "Self": (3, 11),
}

_ALIASES: dict[str, str] = {
    "fastapi.applications.FastAPI": FASTAPI,
    "fastapi.routing.APIRouter": API_ROUTER,
    "fastapi.param_functions.Depends": DEPENDS,
    "fastapi.params.Depends": DEPENDS,
    "fastapi.param_functions.Security": SECURITY,
    "fastapi.params.Security": SECURITY,
    "fastapi.BackgroundTasks": BACKGROUND_TASKS,
    "fastapi.background.BackgroundTasks": BACKGROUND_TASKS,
    "starlette.background.BackgroundTasks": BACKGROUND_TASKS,
    "fastapi.concurrency.run_in_threadpool": RUN_IN_THREADPOOL,
    "fastapi.middleware.cors.CORSMiddleware": CORS_MIDDLEWARE,
    "fastapi.middleware.Middleware": MIDDLEWARE,
    "starlette.middleware.Middleware": MIDDLEWARE,
    "fastapi.exceptions.HTTPException": HTTP_EXCEPTION,
    "typing_extensions.Annotated": ANNOTATED,
    "typing_extensions.Optional": OPTIONAL,
    "typing_extensions.Union": UNION,
    "typing_extensions.TYPE_CHECKING": TYPE_CHECKING,
    "fastapi.param_functions.Query": QUERY,
    "fastapi.params.Query": QUERY,
    "fastapi.param_functions.Path": PATH,
    "fastapi.params.Path": PATH,
    "fastapi.param_functions.Header": HEADER,
    "fastapi.params.Header": HEADER,
    "fastapi.param_functions.Cookie": COOKIE,
    "fastapi.params.Cookie": COOKIE,
    "fastapi.param_functions.Body": BODY,
    "fastapi.params.Body": BODY,
    "fastapi.param_functions.Form": FORM,
    "fastapi.params.Form": FORM,
    "fastapi.param_functions.File": FILE,
    "fastapi.params.File": FILE,
    "fastapi.encoders.jsonable_encoder": JSONABLE_ENCODER,
    "fastapi.status": "starlette.status",
    "fastapi.background.BackgroundTask": BACKGROUND_TASK,
    "fastapi.middleware.wsgi.WSGIMiddleware": "starlette.middleware.wsgi.WSGIMiddleware",
    "fastapi.Request": "starlette.requests.Request",
    "fastapi.requests.Request": "starlette.requests.Request",
    "fastapi.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.websockets.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.Response": "starlette.responses.Response",
    "fastapi.responses.Response": "starlette.responses.Response",
    "fastapi.responses.JSONResponse": "starlette.responses.JSONResponse",
    "fastapi.responses.HTMLResponse": "starlette.responses.HTMLResponse",
    "fastapi.responses.PlainTextResponse": "starlette.responses.PlainTextResponse",
    "fastapi.responses.RedirectResponse": "starlette.responses.RedirectResponse",
    "fastapi.responses.StreamingResponse": "starlette.responses.StreamingResponse",
    "fastapi.responses.FileResponse": "starlette.responses.FileResponse",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "requests.sessions.Session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.sessions.session": "requests.Session",
    "httpx._client.Client": "httpx.Client",
    "httpx._client.AsyncClient": "httpx.AsyncClient",
    "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlmodel.Session": "sqlalchemy.orm.Session",
    "sqlmodel.orm.session.Session": "sqlalchemy.orm.Session",
}


def canonical(qualname: str) -> str:
    return _ALIASES.get(qualname, qualname)


# Methods of FastAPI applications and routers that register HTTP routes.
ROUTE_METHODS: dict[str, tuple[str, ...]] = {
    "get": ("GET",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "options": ("OPTIONS",),
    "head": ("HEAD",),
    "trace": ("TRACE",),
}

# FastAPI's parameter markers: ``Depends``/``Security`` name a dependency, the others say where
# a parameter is read from.
DEPENDENCY_MARKERS = frozenset({DEPENDS, SECURITY})
PARAM_MARKERS = frozenset({QUERY, PATH, HEADER, COOKIE, BODY, FORM, FILE})

# Starlette's response classes (canonical names); a subclass of one of them is a response too.
RESPONSE_TYPES = frozenset(
    {
        RESPONSE,
        "starlette.responses.JSONResponse",
        "starlette.responses.HTMLResponse",
        "starlette.responses.PlainTextResponse",
        "starlette.responses.RedirectResponse",
        "starlette.responses.StreamingResponse",
        "starlette.responses.FileResponse",
        "fastapi.responses.ORJSONResponse",
        "fastapi.responses.UJSONResponse",
        "fastapi.sse.EventSourceResponse",
    }
)

APP_TYPES = frozenset({FASTAPI, "starlette.applications.Starlette"})
ROUTER_TYPES = frozenset({API_ROUTER, "starlette.routing.Router"})

# `x: ClassVar[...] = ...` in a class body: a class attribute, never a field.
CLASS_VAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
# `X: TypeAlias = ...`: X names the annotation on the right.
TYPE_ALIAS = frozenset({"typing.TypeAlias", "typing_extensions.TypeAlias"})

# Classes whose subclasses are Pydantic models (v1 and v2 spellings, settings, SQLModel).
MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.RootModel",
        "pydantic.root_model.RootModel",
        "pydantic.generics.GenericModel",
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.v1.BaseModel",
        "pydantic.v1.main.BaseModel",
        "pydantic.v1.BaseSettings",
        "pydantic.v1.generics.GenericModel",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)
SETTINGS_BASES = frozenset(
    {
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.v1.BaseSettings",
    }
)

# Generic aliases whose one type argument is the element type of a homogeneous collection:
# indexing or iterating a `list[User]` gives a `User`.
COLLECTION_ORIGINS = frozenset(
    {
        "list",
        "set",
        "frozenset",
        "typing.List",
        "typing.Set",
        "typing.FrozenSet",
        "typing.AbstractSet",
        "typing.MutableSet",
        "typing.Sequence",
        "typing.MutableSequence",
        "typing.Collection",
        "typing.Iterable",
        "typing.Iterator",
        "collections.abc.Set",
        "collections.abc.MutableSet",
        "collections.abc.Sequence",
        "collections.abc.MutableSequence",
        "collections.abc.Collection",
        "collections.abc.Iterable",
        "collections.abc.Iterator",
    }
)
# Calls that build collection types in annotations (`conlist(User, min_length=1)`).
COLLECTION_FACTORIES = frozenset({"pydantic.conlist", "pydantic.conset", "pydantic.confrozenset"})
# `tuple[User, ...]`: a homogeneous tuple.
TUPLE_ORIGINS = frozenset({"tuple", "typing.Tuple"})
# `type[User]` and `Type[User]`: the class itself rather than an instance.
CLASS_OBJECT_ORIGINS = frozenset({"type", "typing.Type"})
# Decorators that make the first parameter of a method the class (Pydantic's validators are
# class methods whether or not `@classmethod` is written).
CLASSMETHOD_DECORATORS = frozenset(
    {"classmethod", "validator", "root_validator", "field_validator"}
)
