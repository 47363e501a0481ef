"""Dependencies of the routes, as short ``Annotated`` aliases: the services and the caller's scopes.

Authentication happens in :class:`api.middleware.ApiMiddleware` (before the body is read); these
dependencies check the scope an operation needs (403) and declare the two security schemes, so the
OpenAPI document shows how to authenticate.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.auth import Principal
from api.problems import ApiError
from api.services import Services
from api.settings import Scope

__all__ = [
    "AdminPrincipal",
    "AgentPrincipal",
    "CustomerPrincipal",
    "PlannerPrincipal",
    "ReaderPrincipal",
    "SearchPrincipal",
    "ServicesDep",
    "SupervisorPrincipal",
    "get_services",
    "require",
]

_bearer = HTTPBearer(auto_error=False, scheme_name="bearer", description="`Authorization: Bearer <API key>`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="apiKey", description="`X-API-Key: <API key>`")


def get_services(request: Request) -> Services:
    """The services opened by the lifespan."""
    services = getattr(request.app.state, "services", None)
    if not isinstance(services, Services):
        raise ApiError(503, "not-ready", "The service is starting or stopping.", headers={"Retry-After": "5"})
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def require(*scopes: Scope) -> Callable[..., Awaitable[Principal]]:
    """A dependency returning the caller's principal if it holds one of ``scopes`` (else 403)."""

    async def dependency(
        request: Request,
        _bearer_credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
        _api_key_value: Annotated[str | None, Security(_api_key)],
    ) -> Principal:
        principal = request.scope.get("state", {}).get("principal")
        if not isinstance(principal, Principal):
            raise ApiError(401, "unauthenticated", "An API key is required.",
                           headers={"WWW-Authenticate": 'Bearer realm="copilot"'})
        if not principal.has_any(scopes):
            needed = " or ".join(f"'{s}'" for s in scopes)
            raise ApiError(403, "forbidden", f"This operation needs the {needed} scope; this key does not have it.")
        return principal

    return dependency


AgentPrincipal = Annotated[Principal, Depends(require("agent"))]
CustomerPrincipal = Annotated[Principal, Depends(require("customer"))]
AdminPrincipal = Annotated[Principal, Depends(require("admin"))]
ReaderPrincipal = Annotated[Principal, Depends(require("agent", "admin"))]
SearchPrincipal = Annotated[Principal, Depends(require("agent", "customer", "admin"))]
SupervisorPrincipal = Annotated[Principal, Depends(require("supervisor", "admin"))]
PlannerPrincipal = Annotated[Principal, Depends(require("planner", "admin"))]
