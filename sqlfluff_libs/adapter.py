"""Lint-time stand-in for dbt's `adapter` object: dispatch renders a function call."""


def dispatch(macro_name, macro_namespace=None):
    def render(*args, **kwargs):
        parts = [str(a) for a in args] + [str(v) for v in kwargs.values()]
        return f"{macro_name}(" + ", ".join(parts) + ")"

    return render
