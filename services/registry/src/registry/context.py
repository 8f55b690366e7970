"""What the registry's routes share: its identity (sign-in, token issuance, signing keys), the
one object that also verifies the registry's own tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service_kit.context import ServiceContext

if TYPE_CHECKING:
    from registry.identity.service import Identity


@dataclass(eq=False)
class RegistryContext(ServiceContext):
    identity: Identity | None = None  # set by `build_app` once the runtime exists
