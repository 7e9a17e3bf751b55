"""Checking a table against one of our schemas, with one clear message naming file and column."""

from __future__ import annotations

import pyarrow as pa

from schemas.common import added_version, schema_name, schema_version


class SchemaError(ValueError):
    """A file or table does not match the schema it is read as."""


def _family(t: pa.DataType):
    """A comparable description of a type that ignores width and offset size (int32 vs int64, ...)."""
    if pa.types.is_null(t):
        return "null"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "binary"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return ("list", _family(t.value_type))
    if pa.types.is_struct(t):
        members = (t.field(i) for i in range(t.num_fields))
        return ("struct", tuple(sorted((m.name, _family(m.type)) for m in members)))
    return str(t)


def _compatible(found: pa.DataType, expected: pa.DataType) -> bool:
    if _family(found) == "null":
        return True  # an all-null column fits any nullable type
    ff, fe = _family(found), _family(expected)
    if ff == fe:
        return True
    # An integer column where a float is expected is a lossless widening in practice.
    return ff == "int" and fe == "float"


def _as_of_version(t: pa.DataType, version: int) -> pa.DataType:
    """`t` as a file of schema `version` wrote it: struct members added in later versions left out (they
    read as nulls; pyarrow's cast fills a missing nullable struct member)."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pa.list_(_as_of_version(t.value_type, version))
    if pa.types.is_struct(t):
        members = (t.field(i) for i in range(t.num_fields))
        return pa.struct(
            [m.with_type(_as_of_version(m.type, version)) for m in members if added_version(m) <= version]
        )
    return t


def _file_version(found: pa.Schema, expected: pa.Schema) -> int | None:
    """The version `found` was written with, when it is a version of the same table."""
    return schema_version(found) if schema_name(found) == schema_name(expected) else None


def _absent_by_version(field: pa.Field, found: pa.Schema, expected: pa.Schema) -> bool:
    """True when `found` is an older version of the same table, written before `field` was added."""
    version = schema_version(found)
    return (
        schema_name(found) == schema_name(expected) and version is not None and version < added_version(field)
    )


def check_schema(found: pa.Schema, expected: pa.Schema, source: str) -> None:
    """Raise SchemaError naming `source` and the first missing or mistyped column.

    A column (or struct member) that the file's own (older) schema version did not have yet is not missing:
    it reads as nulls.
    """
    names = set(found.names)
    version = _file_version(found, expected)
    for field in expected:
        if field.name not in names:
            if _absent_by_version(field, found, expected):
                continue
            raise SchemaError(f"{source}: missing column '{field.name}' (expected type {field.type})")
        actual = found.field(field.name).type
        wanted = field.type if version is None else _as_of_version(field.type, version)
        if not _compatible(actual, wanted):
            raise SchemaError(f"{source}: column '{field.name}' has type {actual}, expected {field.type}")


def conform(
    table: pa.Table,
    expected: pa.Schema,
    source: str,
    enforce_not_null: bool = True,
    file_schema: pa.Schema | None = None,
) -> pa.Table:
    """Return `table` with exactly the columns, order and types of `expected`.

    Extra columns are dropped; compatible types (int32 vs int64, string vs large_string) are cast;
    anything else raises SchemaError with the file and the column. `file_schema` (default: the table's)
    carries the version a file was written with, for columns added since.
    """
    file_schema = file_schema if file_schema is not None else table.schema
    check_schema(file_schema, expected, source)
    columns = []
    for field in expected:
        if field.name not in table.column_names:
            columns.append(pa.nulls(table.num_rows, field.type))
            continue
        column = table.column(field.name)
        if column.type != field.type:
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                raise SchemaError(
                    f"{source}: column '{field.name}' cannot be read as {field.type}: {error}"
                ) from error
        if enforce_not_null and not field.nullable and column.null_count:
            raise SchemaError(f"{source}: column '{field.name}' has {column.null_count} null value(s)")
        columns.append(column)
    if not enforce_not_null:
        expected = pa.schema([f.with_nullable(True) for f in expected], metadata=expected.metadata)
    return pa.Table.from_arrays(columns, schema=expected)
