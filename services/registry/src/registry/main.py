"""App factory of the registry service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from registry.audit.router import router as audit_router
from registry.clusters.router import router as clusters_router
from registry.context import registry_context
from registry.golive.router import router as golive_router
from registry.households.router import router as households_router
from registry.identity.router import public_router as identity_public_router
from registry.identity.router import router as identity_router
from registry.identity.service import Identity, use_identity
from registry.imports.reader import Limits
from registry.imports.router import router as imports_router
from registry.members.router import router as members_router
from registry.organisations.history import router as history_router
from registry.organisations.router import router as organisations_router
from registry.permissions import PERMISSIONS
from registry.roles.router import router as roles_router
from registry.scope import RegistryScopeTree, resolvers
from registry.settings import RegistrySettings
from registry.subscriptions import SUBSCRIPTIONS
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    runtime = ServiceRuntime(
        settings,
        migrations_dir=MIGRATIONS,
        subscriptions=SUBSCRIPTIONS,
        context=registry_context(settings),
    )
    identity = Identity(runtime)  # the registry checks its own tokens against its key table
    app = create_app(
        runtime,
        title="chibo registry",
        description=(
            "Cây tổ chức đảng, đảng viên, chức danh, phân công dự họp, người dùng và mã truy cập."
        ),
        routers=[
            organisations_router,
            history_router,
            golive_router,
            audit_router,
            members_router,
            roles_router,
            clusters_router,
            households_router,
            imports_router,
            identity_router,
        ],
        public_routers=[identity_public_router],
        verifier=identity.verifier,
        scope_tree=RegistryScopeTree(),
        permissions=PERMISSIONS,
        scope_resolvers=resolvers(runtime),
        body_limits={"/v1/imports/": Limits.of(settings).max_bytes},  # a spreadsheet
    )
    use_identity(app, identity)
    return app
