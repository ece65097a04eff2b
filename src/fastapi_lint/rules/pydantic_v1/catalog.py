"""Pydantic v1 → v2: what was renamed, moved or removed, as tables.

Sources: the Pydantic migration guide, and the deprecation shims Pydantic 2 itself keeps for v1
names. A row with a v2 replacement is a rewrite that behaves the same; a row without one is
reported with no fix, and the message says why.
"""

from __future__ import annotations

from dataclasses import dataclass

PYDANTIC = "pydantic"
PYDANTIC_SETTINGS = "pydantic_settings"

# Names the fixes of this family add to `from pydantic import ...` (see `ImportChanges`).
ADDED_NAMES = frozenset(
    {
        "BaseModel",
        "ConfigDict",
        "Field",
        "ImportString",
        "RootModel",
        "TypeAdapter",
        "ValidationError",
        "ValidationInfo",
        "field_validator",
        "model_validator",
        "validate_call",
    }
)

# -- class Config -> model_config -------------------------------------------------------------

# v1 key -> v2 key (same value).
CONFIG_RENAMES: dict[str, str] = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "min_anystr_length": "str_min_length",
    "max_anystr_length": "str_max_length",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
    "keep_untouched": "ignored_types",
}

# v1 keys with no v2 equivalent: key -> why.
CONFIG_REMOVED: dict[str, str] = {
    "fields": "per-field settings belong in `Field(...)`",
    "getter_dict": "`from_attributes` reads attributes itself",
    "json_loads": "v2 parses JSON in pydantic-core",
    "json_dumps": "v2 serializes JSON in pydantic-core",
    "error_msg_templates": "v2 errors are customised with a wrapping validator",
    "smart_union": "v2 unions have their own `union_mode`, not the same algorithm",
    "copy_on_model_validation": "v2 has `revalidate_instances`, with other semantics",
    "post_init_call": "v2 always calls `model_post_init` after validation",
}

# v2 ConfigDict keys (kept as they are when a v1 Config already uses them).
CONFIG_V2_KEYS = frozenset(
    [
        "title",
        "model_title_generator",
        "field_title_generator",
        "str_to_lower",
        "str_to_upper",
        "str_strip_whitespace",
        "str_min_length",
        "str_max_length",
        "extra",
        "frozen",
        "populate_by_name",
        "use_enum_values",
        "validate_assignment",
        "arbitrary_types_allowed",
        "from_attributes",
        "loc_by_alias",
        "alias_generator",
        "ignored_types",
        "allow_inf_nan",
        "json_schema_extra",
        "json_encoders",
        "strict",
        "revalidate_instances",
        "ser_json_timedelta",
        "ser_json_bytes",
        "val_json_bytes",
        "ser_json_inf_nan",
        "validate_default",
        "validate_return",
        "protected_namespaces",
        "hide_input_in_errors",
        "defer_build",
        "plugin_settings",
        "schema_generator",
        "json_schema_serialization_defaults_required",
        "json_schema_mode_override",
        "coerce_numbers_to_str",
        "regex_engine",
        "validation_error_cause",
        "use_attribute_docstrings",
        "cache_strings",
    ]
)

# Keys that only `SettingsConfigDict` (pydantic-settings) accepts, spelled as in v1.
SETTINGS_CONFIG_KEYS = frozenset(
    [
        "env_prefix",
        "env_file",
        "env_file_encoding",
        "env_nested_delimiter",
        "secrets_dir",
        "case_sensitive",
        "env_ignore_empty",
        "env_parse_none_str",
    ]
)

# v2 keys that still work but are deprecated: a note in the message, the key is kept.
CONFIG_DEPRECATED: dict[str, str] = {
    "json_encoders": "`json_encoders` is deprecated in v2: move it to `@field_serializer`",
}

# Values of `extra` spelled with the v1 `Extra` enum.
EXTRA_ENUM = frozenset({"pydantic.Extra", "pydantic.config.Extra"})
EXTRA_VALUES = frozenset({"allow", "ignore", "forbid"})

# -- methods and attributes of models ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelMember:
    """A v1 method (or attribute) of models and its v2 replacement.

    ``keywords``: keyword arguments the v2 method takes with the same meaning; a call with any
    other keyword (or with ``*``/``**`` arguments) gets no fix. ``positional``: how many
    positional arguments carry over. ``blocked``: keywords whose v1 meaning v2 does not have
    (named in the message).
    """

    name: str
    replacement: str
    on_class: bool  # a class method (callable on the class and on instances)
    keywords: frozenset[str] = frozenset()
    positional: int = 0
    blocked: tuple[str, ...] = ()
    attribute: bool = False  # accessed, not called
    any_keywords: bool = False  # every keyword carries over (`construct(**values)`)


_DUMP = frozenset(
    {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
)

MODEL_MEMBERS: dict[str, ModelMember] = {
    member.name: member
    for member in (
        ModelMember("dict", "model_dump", False, _DUMP, blocked=("skip_defaults",)),
        ModelMember(
            "json",
            "model_dump_json",
            False,
            _DUMP,
            blocked=("encoder", "models_as_dict", "skip_defaults", "indent", "sort_keys"),
        ),
        ModelMember("parse_obj", "model_validate", True, frozenset({"obj"}), positional=1),
        ModelMember(
            "parse_raw",
            "model_validate_json",
            True,
            positional=1,
            blocked=("content_type", "encoding", "proto", "allow_pickle"),
        ),
        ModelMember("parse_file", "model_validate_json", True),
        ModelMember("from_orm", "model_validate", True, frozenset({"obj"}), positional=1),
        ModelMember("construct", "model_construct", True, positional=1, any_keywords=True),
        ModelMember(
            "copy",
            "model_copy",
            False,
            frozenset({"update", "deep"}),
            blocked=("include", "exclude"),
        ),
        ModelMember(
            "schema", "model_json_schema", True, frozenset({"by_alias", "ref_template"}), 2
        ),
        ModelMember(
            "schema_json", "model_json_schema", True, frozenset({"by_alias", "ref_template"})
        ),
        ModelMember("validate", "model_validate", True, positional=1),
        ModelMember("update_forward_refs", "model_rebuild", True),
        ModelMember("__fields__", "model_fields", True, attribute=True),
        ModelMember("__fields_set__", "model_fields_set", False, attribute=True),
    )
}

# Why a member has no fix at all.
MEMBER_NO_FIX: dict[str, str] = {
    "parse_file": "read the file and call `model_validate_json` (v1 also guessed pickle from the "
    "file suffix)",
}

# -- Field() and FastAPI's parameter functions ---------------------------------------------------

PYDANTIC_FIELDS = frozenset({"pydantic.Field", "pydantic.fields.Field"})
FASTAPI_PARAMS = frozenset(
    {
        "fastapi.Query",
        "fastapi.Path",
        "fastapi.Body",
        "fastapi.Header",
        "fastapi.Cookie",
        "fastapi.Form",
        "fastapi.File",
        "fastapi.param_functions.Query",
        "fastapi.param_functions.Path",
        "fastapi.param_functions.Body",
        "fastapi.param_functions.Header",
        "fastapi.param_functions.Cookie",
        "fastapi.param_functions.Form",
        "fastapi.param_functions.File",
    }
)
# con*() functions: name -> the v1 keyword names of their positional parameters after the type.
CONSTRAINED = {
    "pydantic.conlist": ("min_items", "max_items", "unique_items"),
    "pydantic.conset": ("min_items", "max_items"),
    "pydantic.confrozenset": ("min_items", "max_items"),
    "pydantic.constr": (),
    "pydantic.conbytes": (),
}

# Keyword renames with the same meaning: v1 -> v2.
ARGUMENT_RENAMES: dict[str, str] = {"min_items": "min_length", "max_items": "max_length"}

# Keywords of pydantic v2 `Field` (anything else is an "extra" keyword, deprecated in v2).
FIELD_V2_KEYWORDS = frozenset(
    [
        "default",
        "default_factory",
        "alias",
        "alias_priority",
        "validation_alias",
        "serialization_alias",
        "title",
        "field_title_generator",
        "description",
        "examples",
        "exclude",
        "exclude_if",
        "discriminator",
        "deprecated",
        "json_schema_extra",
        "frozen",
        "validate_default",
        "repr",
        "init",
        "init_var",
        "kw_only",
        "pattern",
        "strict",
        "coerce_numbers_to_str",
        "gt",
        "ge",
        "lt",
        "le",
        "multiple_of",
        "allow_inf_nan",
        "max_digits",
        "decimal_places",
        "min_length",
        "max_length",
        "union_mode",
        "fail_fast",
    ]
)
# v1 Field keywords with a meaning v2 does not have: keyword -> advice.
FIELD_REMOVED: dict[str, str] = {
    "unique_items": "use a `set` (or a validator) instead: v2 has no `unique_items`",
    "include": "v2 `Field` has no `include`: pass `include=` to `model_dump()` instead",
    "env": "pydantic-settings v2 ignores `env=`: use `validation_alias=` (with "
    "`AliasChoices` for several names)",
    "curtail_length": "v2 has no `curtail_length`: truncate in a `mode='before'` validator",
}

# -- imports -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MovedName:
    """``source`` (v1 qualname) is ``target`` in v2 (module and name)."""

    source: str
    module: str
    name: str
    unsafe: str = ""  # why the rewrite is unsafe, when it is


MOVED: dict[str, MovedName] = {
    moved.source: moved
    for moved in (
        MovedName("pydantic.BaseSettings", PYDANTIC_SETTINGS, "BaseSettings"),
        MovedName("pydantic.env_settings.BaseSettings", PYDANTIC_SETTINGS, "BaseSettings"),
        MovedName("pydantic.error_wrappers.ValidationError", PYDANTIC, "ValidationError"),
        MovedName("pydantic.generics.GenericModel", PYDANTIC, "BaseModel"),
        MovedName("pydantic.utils.version_info", "pydantic.version", "version_info"),
        MovedName(
            "pydantic.utils.to_camel",
            "pydantic.alias_generators",
            "to_pascal",
            unsafe="v2's `to_pascal` treats some names differently (digits, capitals)",
        ),
        MovedName(
            "pydantic.utils.to_lower_camel",
            "pydantic.alias_generators",
            "to_camel",
            unsafe="v2's `to_camel` treats some names differently (digits, capitals)",
        ),
        MovedName(
            "pydantic.PyObject",
            PYDANTIC,
            "ImportString",
            unsafe="`ImportString` also accepts values that are not strings",
        ),
        MovedName(
            "pydantic.types.PyObject",
            PYDANTIC,
            "ImportString",
            unsafe="`ImportString` also accepts values that are not strings",
        ),
        MovedName(
            "pydantic.validate_arguments",
            PYDANTIC,
            "validate_call",
            unsafe="`validate_call` reports positional arguments by index in validation "
            "errors, and the decorated function loses `.validate` and `.model`",
        ),
        MovedName(
            "pydantic.decorator.validate_arguments",
            PYDANTIC,
            "validate_call",
            unsafe="`validate_call` reports positional arguments by index in validation "
            "errors, and the decorated function loses `.validate` and `.model`",
        ),
    )
}

# Deprecated in v2 and migrated where they are used (by the rule named): reported here only when
# the import is left unused or used in a way that rule cannot rewrite.
MIGRATED_AT_USE: dict[str, str] = {
    "pydantic.validator": "FAPI202",
    "pydantic.class_validators.validator": "FAPI202",
    "pydantic.root_validator": "FAPI203",
    "pydantic.class_validators.root_validator": "FAPI203",
    "pydantic.Extra": "FAPI201",
    "pydantic.config.Extra": "FAPI201",
    "pydantic.parse_obj_as": "FAPI204",
    "pydantic.tools.parse_obj_as": "FAPI204",
}

# Deprecated in v2 with no drop-in replacement: reported with no fix.
DEPRECATED: dict[str, str] = {
    "pydantic.BaseConfig": "use `ConfigDict`",
    "pydantic.config.BaseConfig": "use `ConfigDict`",
    "pydantic.schema_of": "use `TypeAdapter(T).json_schema()`",
    "pydantic.tools.schema_of": "use `TypeAdapter(T).json_schema()`",
    "pydantic.schema_json_of": "use `json.dumps(TypeAdapter(T).json_schema())`",
    "pydantic.tools.schema_json_of": "use `json.dumps(TypeAdapter(T).json_schema())`",
    "pydantic.json.pydantic_encoder": "use `pydantic_core.to_jsonable_python`",
    "pydantic.json.custom_pydantic_encoder": "use `@field_serializer`",
    "pydantic.json.timedelta_isoformat": "v2 serializes `timedelta` as ISO 8601 already",
    # `pydantic._migration.REDIRECT_TO_V1`: served from `pydantic.v1.utils`, with a warning.
    **{
        f"pydantic.utils.{name}": "v2 serves it from `pydantic.v1.utils` with a warning; these "
        "helpers are private in v2"
        for name in (
            "deep_update",
            "GetterDict",
            "lenient_issubclass",
            "lenient_isinstance",
            "is_valid_field",
            "update_not_none",
            "import_string",
            "Representation",
            "ROOT_KEY",
            "smart_deepcopy",
            "sequence_like",
        )
    },
}

# Removed in v2: importing them fails. qualname prefix -> advice.
REMOVED: dict[str, str] = {
    "pydantic.Constrained": "use `Annotated[T, Field(...)]` or a `con*()` type",
    "pydantic.types.Constrained": "use `Annotated[T, Field(...)]` or a `con*()` type",
    "pydantic.parse_raw_as": "use `TypeAdapter(T).validate_json(data)`",
    "pydantic.parse_file_as": "read the file, then `TypeAdapter(T).validate_json(data)`",
    "pydantic.tools.parse_raw_as": "use `TypeAdapter(T).validate_json(data)`",
    "pydantic.tools.parse_file_as": "read the file, then `TypeAdapter(T).validate_json(data)`",
    "pydantic.stricturl": "use `Annotated[AnyUrl, UrlConstraints(...)]`",
    "pydantic.networks.stricturl": "use `Annotated[AnyUrl, UrlConstraints(...)]`",
    "pydantic.NoneStr": "use `Optional[str]`",
    "pydantic.types.NoneStr": "use `Optional[str]`",
    "pydantic.types.NoneBytes": "use `Optional[bytes]`",
    "pydantic.types.StrBytes": "use `Union[str, bytes]`",
    "pydantic.types.NoneStrBytes": "use `Optional[Union[str, bytes]]`",
    "pydantic.types.JsonWrapper": "use `pydantic.Json`",
    "pydantic.fields.is_finalvar_with_default_val": "v2 reads `Final` fields itself",
    "pydantic.NoneBytes": "use `Optional[bytes]`",
    "pydantic.StrBytes": "use `Union[str, bytes]`",
    "pydantic.NoneStrBytes": "use `Optional[Union[str, bytes]]`",
    "pydantic.Required": "use `...` as the default",
    "pydantic.JsonWrapper": "use `pydantic.Json`",
    "pydantic.validate_model": "use `Model.model_validate(...)`",
    "pydantic.main.validate_model": "use `Model.model_validate(...)`",
    "pydantic.create_model_from_namedtuple": "use `TypeAdapter(NamedTupleType)`",
    "pydantic.create_model_from_typeddict": "use `TypeAdapter(TypedDictType)`",
    "pydantic.error_wrappers.ErrorWrapper": "raise `PydanticCustomError` instead",
    "pydantic.fields.ModelField": "read `Model.model_fields` (`FieldInfo`) instead",
    "pydantic.datetime_parse": "let a `datetime` field (or `TypeAdapter(datetime)`) parse it",
    "pydantic.typing": "use `typing` / `typing_extensions`",
    "pydantic.errors.": "raise `ValueError` or `PydanticCustomError` instead",
    "pydantic.utils.": "these helpers are private in v2",
    "pydantic.class_validators.": "use `pydantic.field_validator` / `model_validator`",
    # The rest of `pydantic._migration.REMOVED_IN_V2` and of the v1 names that Pydantic 2.14
    # no longer has (each checked by importing it under both versions).
    "pydantic.SecretField": "subclass `SecretStr` / `SecretBytes`, or use `pydantic.Secret[T]`",
    "pydantic.types.SecretField": "subclass `SecretStr` / `SecretBytes`, or use `pydantic.Secret[T]`",
    "pydantic.Protocol": "parse JSON with `Model.model_validate_json()`",
    "pydantic.compiled": "Pydantic 2 always runs compiled code (pydantic-core)",
    "pydantic.version.compiled": "Pydantic 2 always runs compiled code (pydantic-core)",
    "pydantic.config.get_config": "configuration is a `ConfigDict`, merged by inheritance",
    "pydantic.config.inherit_config": "configuration is a `ConfigDict`, merged by inheritance",
    "pydantic.config.prepare_config": "configuration is a `ConfigDict`, merged by inheritance",
    "pydantic.dataclasses.create_pydantic_model_from_dataclass": "use `TypeAdapter(dataclass)`",
    "pydantic.dataclasses.make_dataclass_validator": "use `TypeAdapter(dataclass)`",
    "pydantic.dataclasses.set_validation": "use `TypeAdapter(dataclass)`",
    "pydantic.dataclasses.is_builtin_dataclass": "use `dataclasses.is_dataclass`",
    "pydantic.main.ModelMetaclass": "the metaclass is private in v2",
    "pydantic.fields.SHAPE_": "v2 fields have no shape; read the annotation (`FieldInfo.annotation`)",
    "pydantic.fields.MAPPING_LIKE_SHAPES": "v2 fields have no shape; read `FieldInfo.annotation`",
    "pydantic.fields.Undefined": "use `pydantic_core.PydanticUndefined`",
    "pydantic.fields.UndefinedType": "use `pydantic_core.PydanticUndefinedType`",
    "pydantic.fields.DeferredType": "v2 resolves forward references with `model_rebuild()`",
    "pydantic.json.": 'use `pydantic_core.to_jsonable_python` or `model_dump(mode="json")`',
    "pydantic.error_wrappers.": "read `ValidationError.errors()` instead",
    "pydantic.schema.": "use `Model.model_json_schema()` or `TypeAdapter(T).json_schema()`",
    "pydantic.validators.": "v2 validates in pydantic-core: `TypeAdapter(T).validate_python(value)`",
    "pydantic.parse.": "use `Model.model_validate_json()` or `TypeAdapter(T).validate_json()`",
    "pydantic.decorator.": "use `pydantic.validate_call`",
    "pydantic.annotated_types.": "use `TypeAdapter(NamedTupleType)` / `TypeAdapter(TypedDictType)`",
    "pydantic.env_settings.": "settings live in the `pydantic-settings` package",
    "pydantic.generics.": "subclass `BaseModel` together with `Generic[T]`",
}
# v1 modules that Pydantic 2 keeps only as empty stubs (or not at all): `import pydantic.schema`
# still runs, but nothing it had is there any more. Reported at the `import` statement.
REMOVED_MODULES: dict[str, str] = {
    "pydantic.schema": REMOVED["pydantic.schema."],
    "pydantic.validators": REMOVED["pydantic.validators."],
    "pydantic.parse": REMOVED["pydantic.parse."],
    "pydantic.datetime_parse": REMOVED["pydantic.datetime_parse"],
    "pydantic.typing": REMOVED["pydantic.typing"],
    "pydantic.annotated_types": REMOVED["pydantic.annotated_types."],
}
# Names in modules listed in REMOVED that still exist in v2 (not reported).
STILL_PUBLIC = frozenset(
    {
        "pydantic.errors.PydanticUserError",
        "pydantic.errors.PydanticSchemaGenerationError",
        "pydantic.errors.PydanticImportError",
        "pydantic.errors.PydanticUndefinedAnnotation",
        "pydantic.errors.PydanticInvalidForJsonSchema",
        "pydantic.errors.PydanticErrorCodes",
        "pydantic.class_validators.validator",
        "pydantic.class_validators.root_validator",
        "pydantic.generics.GenericModel",
        "pydantic.env_settings.BaseSettings",
        "pydantic.decorator.validate_arguments",
        "pydantic.error_wrappers.ValidationError",
        "pydantic.json.pydantic_encoder",
        "pydantic.json.custom_pydantic_encoder",
        "pydantic.json.timedelta_isoformat",
    }
)

# The family migrates code to Pydantic 2: a project pinned to Pydantic 1 runs v1 code as it
# should, and the fixes would break it until the pin is raised (see `Rule.quiet_below`).
PYDANTIC_2 = ("pydantic", "2.0")
