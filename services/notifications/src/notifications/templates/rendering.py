"""Rendering templates in Vietnamese: dates dd/MM/yyyy in Vietnam time, decimals with a comma.

Templates are operator data, so they run in Jinja2's immutable sandbox with strict undefined
variables (a typo fails when the rule set is published, never as a blank in a message) and
with every way to make something huge bounded here: `**` and `*` on numbers, repeating,
adding and joining (`~`) strings and lists, the methods a template may call (a short list)
and the filters it may use (those whose output grows with their input only, plus ours).
Nothing is computed while compiling (filters never fold into constants), so compiling a
hostile template is as cheap as reading it. What a sandbox cannot bound (a loop that never
ends) is bounded by time in `templates.worker`, where operators' templates are rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, TemplateError, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_TESTS
from jinja2.nodes import Concat
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from service_kit.clock import VIETNAM

if TYPE_CHECKING:
    from event_contracts import CloudEvent

GRADES_VI = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "kem": "Kém"}

MAX_INT_BITS = 4096  # about 1,233 decimal digits: more than any count or score needs
MAX_LENGTH = 64 * 1024  # a string or list made by the template; also any number argument
MAX_OUTPUT_BYTES = 64 * 1024  # what one template may write (UTF-8)


def _as_datetime(value: Any) -> datetime | date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(VIETNAM)
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date: {value!r}")


def ngay(value: Any) -> str:
    """dd/MM/yyyy (a datetime is shown on its Vietnam-time date)."""
    return _as_datetime(value).strftime("%d/%m/%Y")


def gio(value: Any) -> str:
    """HH:mm dd/MM/yyyy in Vietnam time."""
    moment = _as_datetime(value)
    if not isinstance(moment, datetime):
        return moment.strftime("%d/%m/%Y")
    return moment.strftime("%H:%M %d/%m/%Y")


def so(value: Any) -> str:
    """A number as Vietnamese write it: no trailing zeros, decimal comma (7,5)."""
    return f"{float(value):g}".replace(".", ",")


def xep_loai(value: Any) -> str:
    return GRADES_VI.get(str(value), str(value))


@pass_context
def ten(context: Context, value: Any) -> str:
    """An organisation's full name from the registry replica (`names`), else its id."""
    names = context.get("names") or {}
    return str(names.get(value, value))


STATUS_VI = {
    "submitted": "đã gửi",
    "acknowledged": "đã tiếp nhận",
    "in_progress": "đang giải quyết",
    "answered": "đã trả lời",
    "closed": "đã kết thúc",
    "forwarded": "đã chuyển cấp có thẩm quyền",
    "returned": "bị trả lại",
    "rejected": "bị từ chối",
}


def trang_thai(value: Any) -> str:
    return STATUS_VI.get(str(value), str(value))


OURS: dict[str, Callable[..., Any]] = {
    "ngay": ngay,
    "gio": gio,
    "so": so,
    "xep_loai": xep_loai,
    "ten": ten,
    "trang_thai": trang_thai,
}

# Jinja's filters whose output is no larger than their input (or a number): the others
# (center, indent, wordwrap, format, urlize, …) are left out.
JINJA_FILTERS = [
    "abs",
    "capitalize",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "groupby",
    "int",
    "items",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "select",
    "selectattr",
    "sort",
    "string",
    "striptags",
    "sum",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
    "wordcount",
]

# Methods a template may call; every other callable attribute is refused.
SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        [
            "lower",
            "upper",
            "title",
            "capitalize",
            "strip",
            "lstrip",
            "rstrip",
            "startswith",
            "endswith",
            "count",
            "find",
            "rfind",
            "split",
            "rsplit",
            "splitlines",
            "isdigit",
            "isalpha",
            "isalnum",
            "isspace",
            "islower",
            "isupper",
        ]
    ),
    dict: frozenset({"get", "items", "keys", "values"}),
    list: frozenset({"count", "index"}),
    tuple: frozenset({"count", "index"}),
    date: frozenset({"isoformat", "weekday", "isoweekday", "strftime"}),
    datetime: frozenset({"isoformat", "weekday", "isoweekday", "strftime", "date"}),
    LoopContext: frozenset({"cycle", "changed"}),
}


def _sized(value: Any) -> bool:
    return isinstance(value, str | list | tuple)


def _too_long(length: int, what: str) -> None:
    if length > MAX_LENGTH:
        raise SecurityError(f"{what} would hold {length} items, more than {MAX_LENGTH}")


def _check_numbers(args: Iterable[Any]) -> None:
    for value in args:
        if isinstance(value, int) and abs(value) > MAX_LENGTH:
            raise SecurityError(f"number argument {value} is larger than {MAX_LENGTH}")


def _check_power(base: Any, exponent: Any) -> None:
    numbers = isinstance(base, int) and isinstance(exponent, int)
    if numbers and exponent > 0 and base.bit_length() * exponent > MAX_INT_BITS:
        raise SecurityError(f"power {base}**{exponent} is too large")


def _check_product(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise SecurityError("product is too large")
    elif _sized(left) and isinstance(right, int):
        _too_long(len(left) * right, "repetition")
    elif isinstance(left, int) and _sized(right):
        _too_long(left * len(right), "repetition")


def _check_sum(left: Any, right: Any) -> None:
    if _sized(left) and _sized(right):
        _too_long(len(left) + len(right), "sum")


def _guarded(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    """The filter or test with its number arguments bounded, its input checked where the
    output can outgrow it, and taking the context, so Jinja never runs it while compiling."""
    passes = getattr(getattr(f, "jinja_pass_arg", None), "name", None)

    @pass_context
    @wraps(f)
    def guarded(context: Context, *args: Any, **kwargs: Any) -> Any:
        _check_numbers(args[1:])
        _check_numbers(kwargs.values())
        if name == "join" and args and isinstance(args[0], Iterable):
            items = list(args[0])
            _too_long(sum(len(str(i)) for i in items), "join")
            args = (items, *args[1:])
        if name == "replace" and len(args) >= 3 and all(isinstance(a, str) for a in args[:3]):
            text, old, new = args[:3]
            grows = max(len(new) - len(old), 0) * (text.count(old) if old else len(text) + 1)
            _too_long(len(text) + grows, "replace")
        if passes == "context":
            result = f(context, *args, **kwargs)
        elif passes == "eval_context":
            result = f(context.eval_ctx, *args, **kwargs)
        elif passes == "environment":
            result = f(context.environment, *args, **kwargs)
        else:
            result = f(*args, **kwargs)
        if _sized(result):
            _too_long(len(result), name)
        return result

    return guarded


class BoundedCodeGenerator(CodeGenerator):
    """Joining with `~` goes through the environment, which bounds the length."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    code_generator_class = BoundedCodeGenerator
    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def call_binop(self, context: Context, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            _check_power(left, right)
        elif operator_ == "*":
            _check_product(left, right)
        elif operator_ == "+":
            _check_sum(left, right)
        elif operator_ == "%" and isinstance(left, str):
            raise SecurityError("string formatting with % is not available; use the filters")
        return super().call_binop(context, operator_, left, right)

    def call(self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_numbers(args)
        _check_numbers(kwargs.values())
        result = super().call(__context, __obj, *args, **kwargs)
        if _sized(result):
            _too_long(len(result), "call")
        return result

    def concat(self, parts: Iterable[Any]) -> str:
        pieces = [str(p) for p in parts]
        _too_long(sum(map(len, pieces)), "~")
        return "".join(pieces)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format and format_map are refused with the other methods

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value):
            return True
        return any(isinstance(obj, kind) and attr in names for kind, names in SAFE_METHODS.items())


def _environment() -> BoundedEnvironment:
    env = BoundedEnvironment(
        undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
    )
    filters: dict[str, Callable[..., Any]] = {n: DEFAULT_FILTERS[n] for n in JINJA_FILTERS}
    env.filters = {name: _guarded(name, f) for name, f in (filters | OURS).items()}
    env.tests = {name: _guarded(name, f) for name, f in DEFAULT_TESTS.items()}  # type: ignore[arg-type]
    env.globals = {"range": env.globals["range"], "dict": dict}
    return env


ENV = _environment()


@lru_cache(maxsize=1024)
def _compiled(source: str) -> Any:
    return ENV.from_string(source)


def template_error(source: str) -> str | None:
    """Why the source does not compile, or None."""
    try:
        _compiled(source)
    except (TemplateError, RecursionError, MemoryError, SyntaxError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def _render_one(source: str, context: Mapping[str, Any], max_bytes: int) -> str:
    written, parts = 0, []
    for chunk in _compiled(source).generate(context):
        written += len(chunk.encode())
        if written > max_bytes:
            raise SecurityError(f"output is longer than {max_bytes} bytes")
        parts.append(chunk)
    return "".join(parts)


def render(
    subject: str, body: str, context: Mapping[str, Any], max_bytes: int = MAX_OUTPUT_BYTES
) -> Rendered:
    """In this process, for templates of our own (reminders) and tests; operators' templates
    go through `templates.worker`. Raises jinja2.TemplateError (an unknown variable, a bound
    exceeded) for the caller to report."""
    one_line = re.sub(r"\s+", " ", _render_one(subject, context, max_bytes)).strip()
    text = _render_one(body, context, max_bytes).strip() + "\n"
    return Rendered(subject=one_line, body=text)


def context_for(event: CloudEvent, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The event's data fields at top level, the envelope under `event`, organisation names
    (for `| ten`) under `names`."""
    return {
        **event.data,
        "event": {"id": event.id, "type": event.type, "time": event.time, "subject": event.subject},
        "names": names or {},
    }
