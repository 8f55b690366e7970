"""App factory of the registry service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from registry.clusters.router import router as clusters_router
from registry.households.router import router as households_router
from registry.identity.router import router as identity_router
from registry.imports.router import router as imports_router
from registry.members.router import router as members_router
from registry.organisations.router import router as organisations_router
from registry.roles.router import router as roles_router
from registry.settings import RegistrySettings
from registry.subscriptions import SUBSCRIPTIONS
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    runtime = ServiceRuntime(settings, migrations_dir=MIGRATIONS, subscriptions=SUBSCRIPTIONS)
    return create_app(
        runtime,
        title="chibo registry",
        description=(
            "Cây tổ chức đảng, đảng viên, chức danh, phân công dự họp, người dùng và mã truy cập."
        ),
        routers=[
            organisations_router,
            members_router,
            roles_router,
            clusters_router,
            households_router,
            imports_router,
            identity_router,
        ],
    )
