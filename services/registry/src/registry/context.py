"""What the registry's routes share: its identity (sign-in, token issuance, signing keys), the
one object that also verifies the registry's own tokens, and the rotation clusters' dated rule
sets, loaded when the app is built — a rule file that does not validate stops the start-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends

from registry.clusters.policy import CLUSTER_RULES_DIR, ClusterRuleBook, load_cluster_rules
from service_kit.context import ContextFactory, ServiceContext
from service_kit.settings import ServiceSettings
from service_kit.web.app import get_context

if TYPE_CHECKING:
    from registry.identity.service import Identity
    from service_kit.runtime import ServiceRuntime


@dataclass(eq=False)
class RegistryContext(ServiceContext):
    cluster_rules: ClusterRuleBook
    identity: Identity | None = None  # set by `build_app` once the runtime exists


def registry_context(settings: ServiceSettings) -> ContextFactory:
    """Loads and validates the rule files now, before anything starts."""
    cluster_rules = load_cluster_rules(
        getattr(settings, "cluster_rules_dir", None) or CLUSTER_RULES_DIR
    )

    def build(runtime: ServiceRuntime) -> RegistryContext:
        return RegistryContext(runtime, cluster_rules=cluster_rules)

    return build


Ctx = Annotated[RegistryContext, Depends(get_context)]
