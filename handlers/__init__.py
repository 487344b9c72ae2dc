"""Conversation flows, one module per audience; each module defines `router`. Thin: they call services.

get_router() gathers every module of this package, so a new flow is one new file.
"""
import importlib
import pkgutil

from bot.dispatch import Router


def get_router() -> Router:
    root = Router()
    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{m.name}")
        r = getattr(mod, "router", None)
        if isinstance(r, Router):
            root.include(r)
    return root
