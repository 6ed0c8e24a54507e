"""The optional API key: required on every route but /health and the docs when the server was
started with one (always, when it listens beyond loopback). Sent as ``X-API-Key: KEY`` or
``Authorization: Bearer KEY``."""

from __future__ import annotations

import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

API_KEY_ENV = "TRIALSUM_API_KEY"

_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the server's API key")
_bearer = HTTPBearer(auto_error=False, description="the server's API key as a bearer token")


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_key(
    request: Request,
    header_key: Annotated[str | None, Depends(_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    expected: str | None = request.app.state.trialsum.api_key
    if not expected:
        return
    given = header_key or (bearer.credentials if bearer else None)
    if not given:
        raise HTTPException(
            401,
            "this server needs an API key: send X-API-Key or Authorization: Bearer",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(401, "wrong API key", headers={"WWW-Authenticate": "Bearer"})
