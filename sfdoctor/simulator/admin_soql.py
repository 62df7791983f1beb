"""The SOQL the admin objects are asked with, evaluated for real (unlike :mod:`.soql`).

``SELECT f[, Rel.f...] FROM Obj [WHERE cond [AND cond...]] [ORDER BY f [ASC|DESC][, ...]]
[LIMIT n]``, where ``cond`` is ``field op literal`` (``= != <> < <= > >=``) and a literal is
a string, a number, ``true``/``false``/``null``, or a dateTime (``2026-11-30T09:14:03Z``).
String comparisons ignore case, as Salesforce's do on text fields. ``OR``, parentheses, date
literals (``LAST_N_DAYS:7``) and sub-queries are not simulated: they fail as
``MALFORMED_QUERY`` (a limit of the simulator, not Salesforce's answer).

Records are plain dicts of Python values (datetimes aware, in UTC); a relationship field is
one key (``"Profile.Name"``) until :func:`render` nests it the way REST does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sfdoctor.simulator.soql import QueryError

_TOKEN = re.compile(
    r"\s*(?:(?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))"
    r"|(?P<str>'(?:\\.|[^'\\])*')|(?P<num>\d+(?:\.\d+)?(?![\w-]))"
    r"|(?P<op><=|>=|!=|<>|=|<|>)|(?P<ident>[A-Za-z_][\w.]*(?::\w+)?)|(?P<punct>\S))"
)
_OPS = {"=", "!=", "<>", "<", "<=", ">", ">="}


class Query(NamedTuple):
    """A parsed query: fields as written, the object, conditions, ordering, limit."""

    fields: list[str]
    obj: str
    where: list[tuple[str, str, Any]]
    order: list[tuple[str, bool]]
    """(field, descending)"""
    limit: int | None


def _tokens(q: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    q = q.rstrip()
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if m is None or m.end() == pos:
            break
        kind = m.lastgroup or "punct"
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _unexpected(tok: str | None) -> QueryError:
    return QueryError("MALFORMED_QUERY", f"unexpected token: {tok or '<EOF>'}")


def _literal(kind: str, text: str) -> Any:
    if kind == "str":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if kind == "num":
        return float(text) if "." in text else int(text)
    if kind == "dt":
        return parse_datetime(text)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    raise _unexpected(text)


def parse(q: str) -> Query:
    """Parse ``q`` or raise :class:`~sfdoctor.simulator.soql.QueryError`."""
    toks = _tokens(q)
    words = [t[1] for t in toks]
    upper = [w.upper() for w in words]

    def at(i: int) -> str | None:
        return words[i] if i < len(words) else None

    if not toks or upper[0] != "SELECT":
        raise _unexpected(at(0))
    fields: list[str] = []
    i = 1
    while True:
        if i >= len(toks) or toks[i][0] != "ident" or upper[i] == "FROM":
            raise _unexpected(at(i))
        fields.append(words[i])
        i += 1
        if at(i) == ",":
            i += 1
            continue
        if i < len(upper) and upper[i] == "FROM":
            break
        raise _unexpected(at(i))
    if i + 1 >= len(toks) or toks[i + 1][0] != "ident":
        raise _unexpected(at(i + 1))
    obj, i = words[i + 1], i + 2
    where: list[tuple[str, str, Any]] = []
    if i < len(upper) and upper[i] == "WHERE":
        i += 1
        while True:
            if i + 2 >= len(toks) or toks[i][0] != "ident" or words[i + 1] not in _OPS:
                raise _unexpected(at(i + 1) if i < len(toks) and toks[i][0] == "ident" else at(i))
            op = "!=" if words[i + 1] == "<>" else words[i + 1]
            where.append((words[i], op, _literal(*toks[i + 2])))
            i += 3
            if i < len(upper) and upper[i] == "AND":
                i += 1
                continue
            break
    order: list[tuple[str, bool]] = []
    if i + 1 < len(upper) and upper[i] == "ORDER" and upper[i + 1] == "BY":
        i += 2
        while True:
            if i >= len(toks) or toks[i][0] != "ident":
                raise _unexpected(at(i))
            name, i = words[i], i + 1
            descending = False
            if i < len(upper) and upper[i] in ("ASC", "DESC"):
                descending, i = upper[i] == "DESC", i + 1
            order.append((name, descending))
            if at(i) != ",":
                break
            i += 1
    limit = None
    if i < len(upper) and upper[i] == "LIMIT":
        if i + 1 >= len(toks) or toks[i + 1][0] != "num" or "." in words[i + 1]:
            raise _unexpected(at(i + 1))
        limit, i = int(words[i + 1]), i + 2
    if i < len(toks):
        raise _unexpected(at(i))
    return Query(fields, obj, where, order, limit)


def parse_datetime(text: str) -> datetime:
    """A SOQL/REST dateTime literal as an aware datetime."""
    text = text.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    return datetime.fromisoformat(text).astimezone(UTC)


def _key(record: dict[str, Any], name: str, entity: str) -> str:
    """The record's own spelling of field ``name`` (case-insensitive), else INVALID_FIELD."""
    for key in record:
        if key.lower() == name.lower():
            return key
    raise QueryError(
        "INVALID_FIELD",
        f"No such column '{name}' on entity '{entity}'. If you are attempting to use a "
        "custom field, be sure to append the '__c' after the custom field name. Please "
        "reference your WSDL or the describe call for the appropriate names.",
    )


def _compare(value: Any, op: str, literal: Any) -> bool:
    if isinstance(value, str) and isinstance(literal, str):
        value, literal = value.lower(), literal.lower()
    if op == "=":
        return bool(value == literal)
    if op == "!=":
        return bool(value != literal)
    if value is None or literal is None:
        return False
    try:
        return bool(
            {
                "<": value < literal,
                "<=": value <= literal,
                ">": value > literal,
                ">=": value >= literal,
            }[op]
        )
    except TypeError:
        return False


def select(
    query: Query,
    records: list[dict[str, Any]],
    entity: str,
    filterable: frozenset[str] | None = None,
) -> list[dict[str, Any]]:
    """The records ``query`` selects, ordered and limited (full records, not rendered).

    ``filterable`` names the fields a WHERE may use (None: all). LoginHistory's Status, for
    one, is not filterable (object reference, "Usage").
    """
    if not records:
        for name, _, _ in query.where:
            if filterable is not None and name.lower() not in filterable:
                raise _not_filterable(name)
        return []
    sample = records[0]
    for name in query.fields:
        _key(sample, name, entity)
    conditions = []
    for name, op, literal in query.where:
        if filterable is not None and name.lower() not in filterable:
            raise _not_filterable(name)
        conditions.append((_key(sample, name, entity), op, literal))
    chosen = [r for r in records if all(_compare(r[k], op, v) for k, op, v in conditions)]
    for name, descending in reversed(query.order):
        key = _key(sample, name, entity)
        chosen.sort(key=lambda r: (r[key] is None, r[key]), reverse=descending)
    return chosen if query.limit is None else chosen[: query.limit]


def _not_filterable(name: str) -> QueryError:
    # INFERRED wording (the object reference says only "You can only filter on the
    # following fields").
    return QueryError("INVALID_FIELD", f"field '{name}' can not be filtered in a query call")


def render(record: dict[str, Any], fields: list[str], entity: str, version: str) -> dict[str, Any]:
    """One record as REST returns it: ``attributes`` first, the asked fields in the
    record's own spelling, relationships nested, dateTimes as ``...T09:14:03.000+0000``."""
    out: dict[str, Any] = {
        "attributes": {
            "type": entity,
            "url": f"/services/data/v{version}/sobjects/{entity}/{record['Id']}",
        }
    }
    for name in fields:
        key = _key(record, name, entity)
        value = record[key]
        if isinstance(value, datetime):
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        parent, dot, child = key.partition(".")
        if dot:
            nested = out.setdefault(
                parent,
                {
                    "attributes": {
                        "type": parent,
                        "url": f"/services/data/v{version}/sobjects/{parent}/"
                        f"{record.get(parent + 'Id', '')}",
                    }
                },
            )
            nested[child] = value
        else:
            out[key] = value
    return out
