"""Importing Whoosh without the standard modules it pulls in for nothing.

`whoosh.compat` imports `urllib.request` (for a download helper the index never calls), which
brings in http.client, email, ssl and socket, and `html` (for the escape of an HTML
highlighter vault never uses: its table of 2,000 entities, ~3 ms); `cached_property`, which
whoosh.reading uses on one method, imports asyncio to tell coroutine functions apart;
whoosh.query compiles the English morphology tables of a query type vault never builds.
Together they were about 50 ms of every search (a warm search is ~300 ms). `load_whoosh()`
imports Whoosh's core with stand-ins for those modules that do what Whoosh needs of them,
then takes the stand-ins out of sys.modules again, so anything that imports them later gets
the real ones.

It also makes Whoosh's codec pickle its posting blocks with protocol 4 instead of 2. In
protocol 2 every bytes object (each posting's positions) is pickled as a call that rebuilds
it from a string, some 30 bytes more: at 10,000 notes that was half the index's size, and
the time to compress it. Any protocol reads back the same (pickle.loads tells them apart),
so indexes written either way open alike.
"""

from __future__ import annotations

import sys
import types


def _urllib_request() -> types.ModuleType:
    stub = types.ModuleType("urllib.request")

    def urlretrieve(*args, **kwargs):  # the real one, on the (never expected) first use
        from importlib import import_module

        sys.modules.pop("urllib.request", None)
        return import_module("urllib.request").urlretrieve(*args, **kwargs)

    stub.urlretrieve = urlretrieve
    return stub


def _html() -> types.ModuleType:
    stub = types.ModuleType("html")

    def escape(s, quote=True):  # the real one, for Whoosh's HTML highlighter (never used)
        from importlib import import_module

        sys.modules.pop("html", None)
        return import_module("html").escape(s, quote)

    stub.escape = escape
    return stub


def _asyncio() -> types.ModuleType:
    import inspect

    stub = types.ModuleType("asyncio")
    # cached_property asks this of every method it wraps; Whoosh's are plain functions.
    stub.iscoroutinefunction = inspect.iscoroutinefunction
    return stub


def load_whoosh() -> None:
    """Import whoosh.compat and whoosh.reading (and so all of Whoosh's core) once, and make
    its codec pickle with protocol 4."""
    if "whoosh.reading" not in sys.modules:
        _import_core()
    import whoosh.codec.whoosh3 as codec

    if codec.dumps is not _dumps:
        codec.dumps = _dumps


def _morph_en() -> types.ModuleType:
    stub = types.ModuleType("whoosh.lang.morph_en")

    def variations(word):  # for Whoosh's Variations query, which vault never builds
        from importlib import import_module

        sys.modules.pop("whoosh.lang.morph_en", None)
        return import_module("whoosh.lang.morph_en").variations(word)

    stub.variations = variations
    return stub


def _import_core() -> None:
    stubs = {"whoosh.lang.morph_en": _morph_en()}
    if "urllib.request" not in sys.modules:
        stubs["urllib.request"] = _urllib_request()
    if "html" not in sys.modules:
        stubs["html"] = _html()
    if "asyncio" not in sys.modules and "cached_property" not in sys.modules:
        stubs["asyncio"] = _asyncio()
    sys.modules.update(stubs)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.query  # noqa: F401 - imports morph_en, for the stub to stand in
        import whoosh.reading  # noqa: F401
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]


def _dumps(obj, protocol=None):
    """What whoosh.codec.whoosh3 pickles with (it asks for protocol 2)."""
    import pickle

    return pickle.dumps(obj, 4)


def whoosh_index():
    """The whoosh.index module, imported the cheap way."""
    load_whoosh()
    import whoosh.index

    return whoosh.index
