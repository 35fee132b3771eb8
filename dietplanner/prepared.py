"""Querysets whose SQL the ORM builds and compiles once per process and database, then runs
again with other values: the first queries of every page (whose program, whose link) cost
about a millisecond of Django's building and compiling each, against a tenth to run them.

    by_patient = Prepared(lambda patient_id: Program.objects.filter(patient_id=patient_id),
                          patient_id=int)
    by_patient.all(patient_id=patient.pk)      # model objects, as the queryset gives them
    by_patient.first(patient_id=patient.pk)    # the first, or None
    dates = Prepared(lambda patient_id: Entry.objects.filter(patient_id=patient_id)
                     .values_list("date", "note"), patient_id=int)
    dates.rows(patient_id=patient.pk)          # tuples, as `values_list` gives them

`build` gets a stand-in value of each named kind (`int`, `uuid.UUID`, `Positive`) that no row
has; the places those values take among the compiled statement's parameters are where each run
puts its own (as the database driver expects them: a UUID as itself, or as its hex on SQLite). A
statement `build` could not be prepared this way (a stand-in not found, a list of values, a
prefetch, `values()` or a flat or named `values_list()`) is refused when first run, so a test of
the page finds it.

Each run gets a compiler of its own, on its thread's connection, that turns rows into model
objects as a queryset does (`django.db.models.query.ModelIterable`): the model's columns, the
`select_related` rows, the annotations. What is kept is read only, shared by the threads.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.sql.constants import MULTI
from django.db.transaction import TransactionManagementError


class Positive:
    """The kind of a value never below zero (a revision, a count): stood in for by a large
    positive number, since Django leaves out a condition that a value outside its column's
    range makes always true (`revision > -7340032917` on an unsigned column)."""


_STAND_INS: dict[type, Callable[[int], Any]] = {
    int: lambda k: -7_340_032_917 - k,
    Positive: lambda k: 7_340_032_917 + k,
    uuid.UUID: lambda k: uuid.UUID(int=0x5E47_1E00_0000_4000_8000_0000_0000_0000 + k),
}
# How a value may stand among the compiled parameters: itself, a UUID's hex (SQLite)
_AS_PARAMETER: tuple[Callable[[Any], Any], ...] = (lambda value: value, lambda value: value.hex)


@dataclass(frozen=True)
class _Statement:
    alias: str
    model: type | None  # None: a `values_list` (`Prepared.rows`)
    query: object  # the ORM's query, never changed once compiled
    sql: str
    params: tuple
    places: tuple[tuple[int, str, Callable[[Any], Any]], ...]  # (place, name, as parameter)
    compiled: dict  # the compiler's select, klass_info, annotation_col_map, col_count ...
    init_list: tuple[str, ...]
    columns: slice  # the model's own columns in a row
    related: tuple  # RelatedPopulator: the select_related rows
    locks: bool  # select_for_update: only inside a transaction


class Prepared:
    """A queryset built by `build(**values)`, compiled once per process and database; `kinds`
    names each value's kind (`int`, `uuid.UUID`)."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.kinds = kinds
        self._statements: dict[str, _Statement] = {}
        self._lock = threading.Lock()

    def all(self, *, using: str | None = None, **values) -> list:
        statement = self._statement(using)
        if statement.model is None:
            raise ValueError("a `values_list` statement gives rows: `rows()`")
        compiler = self._compiler(statement, values)
        found = []
        for row in compiler.results_iter(compiler.execute_sql(MULTI)):
            columns = row[statement.columns]
            obj = statement.model.from_db(statement.alias, statement.init_list, columns)
            for populator in statement.related:
                populator.populate(row, obj)
            for name, at in (statement.compiled["annotation_col_map"] or {}).items():
                setattr(obj, name, row[at])
            found.append(obj)
        return found

    def rows(self, *, using: str | None = None, **values) -> list[tuple]:
        """The rows of a `values_list` statement, as tuples (converted as the queryset
        converts them)."""
        statement = self._statement(using)
        if statement.model is not None:
            raise ValueError("a statement of model objects gives them: `all()`")
        compiler = self._compiler(statement, values)
        return list(compiler.results_iter(compiler.execute_sql(MULTI), tuple_expected=True))

    def _compiler(self, statement: _Statement, values: dict):
        """A compiler of the statement, on this thread's connection, with `values` in place."""
        if statement.locks and connections[statement.alias].get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(statement.params)
        for place, name, as_parameter in statement.places:
            params[place] = as_parameter(values[name])
        compiler = statement.query.get_compiler(using=statement.alias)
        compiler.__dict__.update(statement.compiled)
        compiler.as_sql = lambda *args, **kwargs: (statement.sql, params)
        return compiler

    def first(self, *, using: str | None = None, **values):
        found = self.all(using=using, **values)
        return found[0] if found else None

    def _statement(self, using: str | None) -> _Statement:
        alias = using or DEFAULT_DB_ALIAS
        statement = self._statements.get(alias)
        if statement is None:
            with self._lock:
                statement = self._statements.get(alias) or self._prepare(alias)
                self._statements[alias] = statement
        return statement

    def _compiled(self, alias: str, shift: int):
        stand_ins = {
            name: _STAND_INS[kind](shift + k) for k, (name, kind) in enumerate(self.kinds.items())
        }
        queryset = self.build(**stand_ins).using(alias)
        if (
            queryset._iterable_class not in (ModelIterable, ValuesListIterable)
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
        ):
            raise ValueError(
                "only a queryset of model objects or a `values_list` of tuples, without "
                "prefetches, is prepared"
            )
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        return stand_ins, queryset.query, compiler, sql, params

    def _prepare(self, alias: str) -> _Statement:
        stand_ins, query, compiler, sql, params = self._compiled(alias, 0)
        # compiled again with other stand-ins: what changes must be where the values go
        _, _, _, other_sql, other_params = self._compiled(alias, 1000)
        changed = {k for k, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b}
        places = []
        for place, param in enumerate(params):
            for name, stand_in in stand_ins.items():
                match = next(
                    (
                        as_parameter
                        for as_parameter in (*_AS_PARAMETER, *_driver_int(param))
                        if _same(param, stand_in, as_parameter)
                    ),
                    None,
                )
                if match is not None:
                    places.append((place, name, match))
        missing = set(stand_ins) - {name for _, name, _ in places}
        if missing:
            raise ValueError(f"the statement takes no single value for {sorted(missing)}")
        if other_sql != sql or changed != {place for place, _, _ in places}:
            raise ValueError("the statement's SQL or other values change with its values")
        klass_info, select = compiler.klass_info, compiler.select
        names = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")
        if query.default_cols:  # model objects (`all`)
            first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            model = klass_info["model"]
            init_list = tuple(f[0].target.attname for f in select[first:last])
            related = tuple(get_related_populators(klass_info, select, alias))
        else:  # a `values_list`: its rows as tuples (`rows`)
            first = last = 0
            model, init_list, related = None, (), ()
        return _Statement(
            alias=alias,
            model=model,
            query=query,
            sql=sql,
            params=tuple(params),
            places=tuple(places),
            compiled={name: getattr(compiler, name) for name in names},
            init_list=init_list,
            columns=slice(first, last),
            related=related,
            locks=bool(query.select_for_update),
        )


def _driver_int(param) -> tuple:
    """The driver's own integer type of `param` (psycopg's `Int8` of a big integer), as a
    way the value may stand among the parameters."""
    kind = type(param)
    return (kind,) if isinstance(param, int) and kind not in (int, bool) else ()


def _same(param, stand_in, as_parameter) -> bool:
    try:
        value = as_parameter(stand_in)
    except AttributeError:
        return False
    return type(param) is type(value) and param == value
