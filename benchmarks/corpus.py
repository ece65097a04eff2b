"""A deterministic generator of realistic FastAPI projects, for benchmarks.

A project has an ``app`` package with ``main.py`` (the app, middleware, every router included),
``core/config.py`` (settings), ``db.py`` (engine, session factory, ``get_db``), ``deps.py``
(authentication dependencies), and per resource a router, a service, Pydantic schemas and
SQLAlchemy models, plus utility modules and tests. Routes mix ``async def`` and ``def``; about
one resource in five carries a pitfall (a blocking call, a sync session in an async route, a
helper chain that blocks, a dropped coroutine, Pydantic v1 idioms), as real codebases do.

``generate(target_lines, seed)`` returns ``{relative path: source}``; ``write(directory, ...)``
writes it. The same arguments always give the same files.
"""

from __future__ import annotations

import random
from pathlib import Path

_NOUNS = (
    "account address article asset audit basket batch booking branch budget campaign card cart "
    "category channel charge claim client comment company contact contract coupon course customer "
    "dataset deal delivery device discount document domain draft event expense export feature "
    "feedback file flight folder form game grant group guest habit image incident invoice issue "
    "item job journal key label lead lesson license listing location log meeting member message "
    "metric milestone module note notice offer order package page partner payment permit photo "
    "plan playlist policy post price product profile project promotion quote rating receipt "
    "record refund region release report request reservation resource review reward role route "
    "rule sale schedule section seat segment session setting shipment shop signal skill slot "
    "source sprint stage station store story subscription supplier survey tag task team template "
    "tenant ticket token topic tour track trade training transfer trip unit upload user vehicle "
    "vendor version video voucher wallet warehouse webhook widget workflow workspace zone"
).split()


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _router(res: str, rng: random.Random, pitfall: str | None) -> str:
    cls = _camel(res)
    lines = [
        f'"""HTTP routes for {res}s."""',
        "",
        "from typing import Annotated",
        "",
        "from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Query, status",
        "from sqlalchemy.orm import Session",
        "",
        "from app.db import get_db",
        "from app.deps import get_current_user",
        f"from app.models.{res} import {cls}",
        f"from app.schemas.{res} import {cls}Create, {cls}Out, {cls}Update",
        f"from app.services.{res} import {res}_service",
        "from app.utils.notify import notify_async, notify_sync",
        "",
        f'router = APIRouter(prefix="/{res}s", tags=["{res}"])',
        "",
        "",
        f'@router.get("/", response_model=list[{cls}Out])',
        f"def list_{res}s(",
        "    skip: int = 0,",
        "    limit: Annotated[int, Query(le=1000)] = 100,",
        "    db: Session = Depends(get_db),",
        "):",
        f"    return {res}_service.list(db, skip=skip, limit=limit)",
        "",
        "",
        f'@router.get("/{{{res}_id}}", response_model={cls}Out)',
        f"def read_{res}({res}_id: int, db: Session = Depends(get_db)):",
        f"    item = {res}_service.get(db, {res}_id)",
        "    if item is None:",
        f'        raise HTTPException(status_code=404, detail="{cls} not found")',
        "    return item",
        "",
        "",
        f'@router.post("/", response_model={cls}Out, status_code=status.HTTP_201_CREATED)',
        f"def create_{res}(",
        f"    payload: {cls}Create,",
        "    tasks: BackgroundTasks,",
        "    db: Session = Depends(get_db),",
        "    user=Depends(get_current_user),",
        "):",
        f"    item = {res}_service.create(db, payload, owner_id=user.id)",
        f'    tasks.add_task(notify_sync, user.email, "{res} created")',
        "    return item",
        "",
        "",
        f'@router.patch("/{{{res}_id}}", response_model={cls}Out)',
        f"def update_{res}({res}_id: int, payload: {cls}Update, db: Session = Depends(get_db)):",
        f"    return {res}_service.update(db, {res}_id, payload)",
        "",
        "",
        f'@router.delete("/{{{res}_id}}", status_code=status.HTTP_204_NO_CONTENT)',
        f"def delete_{res}({res}_id: int, db: Session = Depends(get_db)):",
        f"    {res}_service.delete(db, {res}_id)",
        "",
        "",
        f'@router.get("/{{{res}_id}}/summary")',
        f"async def {res}_summary({res}_id: int, user=Depends(get_current_user)):",
        '    await notify_async(user.email, "summary requested")',
        f'    return {{"id": {res}_id, "kind": "{res}"}}',
    ]
    if pitfall == "blocking":
        lines += [
            "",
            "",
            f'@router.get("/{{{res}_id}}/external")',
            f"async def {res}_external({res}_id: int):",
            "    import requests",
            "",
            f'    response = requests.get(f"https://api.example.com/{res}s/{{{res}_id}}", timeout=5)',
            "    return response.json()",
        ]
    elif pitfall == "session":
        lines += [
            "",
            "",
            f'@router.get("/{{{res}_id}}/count")',
            f"async def count_{res}s(db: Session = Depends(get_db)):",
            f'    return {{"count": db.query({cls}).count()}}',
        ]
    elif pitfall == "chain":
        lines += [
            "",
            "",
            f'@router.post("/{{{res}_id}}/sync")',
            f"async def sync_{res}({res}_id: int):",
            f"    return {res}_service.push_to_partner({res}_id)",
        ]
    elif pitfall == "coroutine":
        lines += [
            "",
            "",
            f'@router.post("/{{{res}_id}}/remind")',
            f"async def remind_{res}({res}_id: int, tasks: BackgroundTasks, user=Depends(get_current_user)):",
            '    tasks.add_task(notify_async(user.email, "reminder"))',
            "    return {}",
        ]
    for index in range(rng.randint(2, 5)):
        lines += [
            "",
            "",
            f'@router.get("/{{{res}_id}}/stats/{index}")',
            f"def {res}_stats_{index}({res}_id: int, db: Session = Depends(get_db)):",
            f"    rows = {res}_service.list(db, skip=0, limit={10 * (index + 1)})",
            f'    return {{"total": len(rows), "bucket": {index}}}',
        ]
    return "\n".join(lines) + "\n"


def _service(res: str, rng: random.Random, pitfall: str | None) -> str:
    cls = _camel(res)
    lines = [
        f'"""Business logic for {res}s."""',
        "",
        "import logging",
        "",
        "import requests",
        "from sqlalchemy.orm import Session",
        "",
        f"from app.models.{res} import {cls}",
        f"from app.schemas.{res} import {cls}Create, {cls}Update",
        "from app.utils.text import slugify",
        "",
        "logger = logging.getLogger(__name__)",
        "",
        "",
        f"class {cls}Service:",
        f'    """CRUD operations on {res}s."""',
        "",
        f"    def list(self, db: Session, skip: int = 0, limit: int = 100) -> list[{cls}]:",
        f"        return db.query({cls}).offset(skip).limit(limit).all()",
        "",
        f"    def get(self, db: Session, {res}_id: int) -> {cls} | None:",
        f"        return db.get({cls}, {res}_id)",
        "",
        f"    def create(self, db: Session, payload: {cls}Create, owner_id: int) -> {cls}:",
        f"        item = {cls}(**payload.model_dump(), owner_id=owner_id, slug=slugify(payload.name))",
        "        db.add(item)",
        "        db.commit()",
        "        db.refresh(item)",
        f'        logger.info("created {res} %s", item.id)',
        "        return item",
        "",
        f"    def update(self, db: Session, {res}_id: int, payload: {cls}Update) -> {cls}:",
        f"        item = self.get(db, {res}_id)",
        "        for key, value in payload.model_dump(exclude_unset=True).items():",
        "            setattr(item, key, value)",
        "        db.commit()",
        "        return item",
        "",
        f"    def delete(self, db: Session, {res}_id: int) -> None:",
        f"        item = self.get(db, {res}_id)",
        "        if item is not None:",
        "            db.delete(item)",
        "            db.commit()",
        "",
        f"    def push_to_partner(self, {res}_id: int) -> dict:",
        f'        return _post_json("/{res}s", {{"id": {res}_id}})',
    ]
    for index in range(rng.randint(1, 4)):
        lines += [
            "",
            f"    def score_{index}(self, values: list[float]) -> float:",
            "        if not values:",
            "            return 0.0",
            f"        return sum(v * {index + 1} for v in values) / len(values)",
        ]
    lines += [
        "",
        "",
        "def _post_json(path: str, body: dict) -> dict:",
        '    response = requests.post(f"https://partner.example.com{path}", json=body, timeout=10)',
        "    response.raise_for_status()",
        "    return response.json()",
        "",
        "",
        f"{res}_service = {cls}Service()",
    ]
    del pitfall
    return "\n".join(lines) + "\n"


def _schemas(res: str, rng: random.Random, pitfall: str | None) -> str:
    cls = _camel(res)
    if pitfall == "pydantic_v1":
        return (
            "\n".join(
                [
                    f'"""Request and response bodies for {res}s (still Pydantic v1 style)."""',
                    "",
                    "from datetime import datetime",
                    "",
                    "from pydantic import BaseModel, Field, validator",
                    "",
                    "",
                    f"class {cls}Base(BaseModel):",
                    "    name: str = Field(..., min_length=1, max_length=200)",
                    "    description: str | None = None",
                    "    tags: list[str] = Field(default_factory=list, max_items=20)",
                    "",
                    '    @validator("name")',
                    "    def strip_name(cls, value):",
                    "        return value.strip()",
                    "",
                    "",
                    f"class {cls}Create({cls}Base):",
                    "    pass",
                    "",
                    "",
                    f"class {cls}Update(BaseModel):",
                    "    name: str | None = None",
                    "    description: str | None = None",
                    "",
                    "",
                    f"class {cls}Out({cls}Base):",
                    "    id: int",
                    "    created_at: datetime",
                    "",
                    "    class Config:",
                    "        orm_mode = True",
                ]
            )
            + "\n"
        )
    return (
        "\n".join(
            [
                f'"""Request and response bodies for {res}s."""',
                "",
                "from datetime import datetime",
                "",
                "from pydantic import BaseModel, ConfigDict, Field, field_validator",
                "",
                "",
                f"class {cls}Base(BaseModel):",
                "    name: str = Field(..., min_length=1, max_length=200)",
                "    description: str | None = None",
                "    tags: list[str] = Field(default_factory=list, max_length=20)",
                "",
                '    @field_validator("name")',
                "    @classmethod",
                "    def strip_name(cls, value: str) -> str:",
                "        return value.strip()",
                "",
                "",
                f"class {cls}Create({cls}Base):",
                f"    priority: int = {rng.randint(0, 5)}",
                "",
                "",
                f"class {cls}Update(BaseModel):",
                "    name: str | None = None",
                "    description: str | None = None",
                "",
                "",
                f"class {cls}Out({cls}Base):",
                "    model_config = ConfigDict(from_attributes=True)",
                "",
                "    id: int",
                "    created_at: datetime",
            ]
        )
        + "\n"
    )


def _models(res: str, rng: random.Random) -> str:
    cls = _camel(res)
    columns = [
        f"    {name} = Column({kind})"
        for name, kind in rng.sample(
            [
                ("score", "Integer, default=0"),
                ("status", "String(32), index=True"),
                ("archived", "Boolean, default=False"),
                ("notes", "Text, nullable=True"),
                ("weight", "Float, default=1.0"),
            ],
            3,
        )
    ]
    return (
        "\n".join(
            [
                f'"""Database table for {res}s."""',
                "",
                "from datetime import datetime",
                "",
                "from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text",
                "",
                "from app.db import Base",
                "",
                "",
                f"class {cls}(Base):",
                f'    __tablename__ = "{res}s"',
                "",
                "    id = Column(Integer, primary_key=True, index=True)",
                "    name = Column(String(200), nullable=False)",
                "    slug = Column(String(200), unique=True)",
                "    description = Column(Text, nullable=True)",
                '    owner_id = Column(Integer, ForeignKey("users.id"))',
                "    created_at = Column(DateTime, default=datetime.utcnow)",
                *columns,
            ]
        )
        + "\n"
    )


def _test_module(res: str) -> str:
    return (
        "\n".join(
            [
                "from fastapi.testclient import TestClient",
                "",
                "from app.main import app",
                "",
                "client = TestClient(app)",
                "",
                "",
                f"def test_list_{res}s():",
                f'    response = client.get("/{res}s/")',
                "    assert response.status_code == 200",
                "",
                "",
                f"def test_missing_{res}():",
                f'    response = client.get("/{res}s/999999")',
                "    assert response.status_code == 404",
            ]
        )
        + "\n"
    )


_FIXED_FILES = {
    "app/__init__.py": "",
    "app/routers/__init__.py": "",
    "app/services/__init__.py": "",
    "app/schemas/__init__.py": "",
    "app/models/__init__.py": "",
    "app/utils/__init__.py": "",
    "app/core/__init__.py": "",
    "tests/__init__.py": "",
    "app/core/config.py": '''"""Settings read from the environment."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")

    database_url: str = "sqlite:///./app.db"
    secret_key: str
    allowed_origins: list[str] = ["https://app.example.com"]


settings = Settings()
''',
    "app/db.py": '''"""Database engine and sessions."""

from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

from app.core.config import settings

engine = create_engine(settings.database_url, pool_pre_ping=True)
SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)
Base = declarative_base()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
''',
    "app/deps.py": '''"""Authentication dependencies."""

from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from app.core.config import settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


class CurrentUser:
    def __init__(self, user_id: int, email: str) -> None:
        self.id = user_id
        self.email = email


def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> CurrentUser:
    try:
        payload = jwt.decode(token, settings.secret_key, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED) from None
    return CurrentUser(payload["sub"], payload["email"])
''',
    "app/utils/text.py": '''"""Text helpers."""

import re
import unicodedata

_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(value: str) -> str:
    normalized = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", normalized.lower()).strip("-")


def truncate(value: str, length: int = 80) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"
''',
    "app/utils/notify.py": '''"""Notifications."""

import httpx
import requests


def notify_sync(address: str, subject: str) -> None:
    requests.post("https://mail.example.com/send", json={"to": address, "subject": subject}, timeout=5)


async def notify_async(address: str, subject: str) -> None:
    async with httpx.AsyncClient() as client:
        await client.post("https://mail.example.com/send", json={"to": address, "subject": subject})
''',
}

_PITFALLS = ("blocking", "session", "chain", "coroutine", "pydantic_v1")


def generate(target_lines: int, seed: int = 0) -> dict[str, str]:
    rng = random.Random(seed)
    files = dict(_FIXED_FILES)
    lines = sum(text.count("\n") for text in files.values())
    resources: list[str] = []
    index = 0
    while lines < target_lines:
        noun = _NOUNS[index % len(_NOUNS)]
        res = noun if index < len(_NOUNS) else f"{noun}_{index // len(_NOUNS)}"
        index += 1
        pitfall = rng.choice(_PITFALLS) if rng.random() < 0.2 else None
        generated = {
            f"app/routers/{res}.py": _router(res, rng, pitfall),
            f"app/services/{res}.py": _service(res, rng, pitfall),
            f"app/schemas/{res}.py": _schemas(res, rng, pitfall),
            f"app/models/{res}.py": _models(res, rng),
            f"tests/test_{res}.py": _test_module(res),
        }
        files.update(generated)
        lines += sum(text.count("\n") for text in generated.values())
        resources.append(res)
    main = [
        '"""The application."""',
        "",
        "from fastapi import FastAPI",
        "from fastapi.middleware.cors import CORSMiddleware",
        "",
        "from app.core.config import settings",
        *(f"from app.routers import {res} as {res}_router" for res in resources),
        "",
        'app = FastAPI(title="Generated service")',
        "app.add_middleware(",
        "    CORSMiddleware,",
        "    allow_origins=settings.allowed_origins,",
        "    allow_credentials=True,",
        ")",
        *(f"app.include_router({res}_router.router)" for res in resources),
    ]
    files["app/main.py"] = "\n".join(main) + "\n"
    files["pyproject.toml"] = (
        '[project]\nname = "generated"\nversion = "0"\n\n[tool.fastapi-lint]\nselect = ["ALL"]\n'
    )
    return files


def write(directory: Path, target_lines: int, seed: int = 0) -> int:
    """Write a generated project into ``directory``; returns its number of lines of Python."""
    files = generate(target_lines, seed)
    total = 0
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if name.endswith(".py"):
            total += text.count("\n")
    return total
