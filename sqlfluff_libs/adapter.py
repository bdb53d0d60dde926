"""Lint-time stand-in for dbt's `adapter` object: dispatch renders a function call."""


# dispatched macros that render a type name, not a function call
TYPE_MACROS = {"type_double": "double"}


def dispatch(macro_name, macro_namespace=None):
    if macro_name in TYPE_MACROS:
        return lambda *args, **kwargs: TYPE_MACROS[macro_name]

    def render(*args, **kwargs):
        parts = [str(a) for a in args] + [str(v) for v in kwargs.values()]
        return f"{macro_name}(" + ", ".join(parts) + ")"

    return render
