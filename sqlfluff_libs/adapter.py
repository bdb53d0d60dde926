"""Lint-time stand-in for dbt's `adapter` object: dispatch renders a function call."""

from jinja2 import pass_context


# dispatched macros that render a type name, not a function call
TYPE_MACROS = {"type_double": "double"}


# dispatched macros that render whole statements: linted as their default (DuckDB)
# implementation, the `default__<name>` macro loaded from macros/
STATEMENT_MACROS = {"revenue_hierarchy_walk", "health_running_totals"}


@pass_context
def dispatch(context, macro_name, macro_namespace=None):
    if macro_name in STATEMENT_MACROS:
        return context[f"default__{macro_name}"]
    if macro_name in TYPE_MACROS:
        return lambda *args, **kwargs: TYPE_MACROS[macro_name]

    def render(*args, **kwargs):
        parts = [str(a) for a in args] + [str(v) for v in kwargs.values()]
        return f"{macro_name}(" + ", ".join(parts) + ")"

    return render
