"""Schemathesis hooks for openapi_check.py, loaded through SCHEMATHESIS_HOOKS.

Random path parameters almost always name nothing, so only 404s would be checked. Half of the
generated requests name what openapi_check.py stored beforehand instead (OPENAPI_CHECK_KNOWN:
values by parameter name, and by path for names that mean different things on different paths),
so that the successes are checked against the document too.

Channels post agents' replies to their outboundUrl: every outboundUrl sent is replaced with a
loopback address where nothing listens, so that no generated URL is ever called.
"""
import json
import os

import schemathesis
from hypothesis import strategies as st

KNOWN = json.loads(os.environ.get("OPENAPI_CHECK_KNOWN", "{}"))
NOWHERE = "http://127.0.0.1:9/refused"


def known_for(path):
    """The stored values for the parameters of `path`: the path's own over the general ones."""
    values = dict(KNOWN.get("*", {}))
    for prefix, overrides in KNOWN.items():
        if prefix != "*" and path.startswith(prefix):
            values.update(overrides)
    return values


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict) or not context.operation:
        return st.just(path_parameters)
    known = known_for(context.operation.path)
    stored = {name: known[name] for name in path_parameters if name in known}
    if not stored:
        return st.just(path_parameters)
    return st.booleans().map(lambda use: {**path_parameters, **stored} if use else path_parameters)


@schemathesis.hook
def map_body(context, body):
    if context.operation and "channel-accounts" in context.operation.path and isinstance(body, dict):
        return {**body, "outboundUrl": NOWHERE}
    return body
