#!/usr/bin/env python3
"""
sqlmap tamper for the back office API: every creating POST needs an Idempotency-Key, and a replay
of one key with another body is refused with 409 before the request reaches any query. So that
each payload really reaches the service (and the database), give every payload request a fresh key.
The payload itself is left unchanged.
"""

import uuid

from lib.core.enums import PRIORITY

__priority__ = PRIORITY.NORMAL


def dependencies():
    pass


def tamper(payload, **kwargs):
    headers = kwargs.get("headers", {})
    headers["Idempotency-Key"] = "sqlmap-%s" % uuid.uuid4()
    return payload
