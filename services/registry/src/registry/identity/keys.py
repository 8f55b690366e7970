"""Ed25519 signing keys: creation, private half encrypted at rest, public JWK, signing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.identity.models import SigningKey
from service_kit.auth import EDDSA as ALGORITHM
from service_kit.auth import public_jwk
from service_kit.ids import new_id


def new_signing_key(passphrase: bytes, now: datetime) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    kid = new_id()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    return SigningKey(
        kid=kid,
        algorithm=ALGORITHM,
        public_jwk=public_jwk(private, kid),
        private_pem=pem.decode(),
        created_at=now,
    )


def load_private(key: SigningKey, passphrase: bytes) -> Ed25519PrivateKey:
    if key.private_pem is None:
        raise ValueError(f"signing key {key.kid} is retired: its private half is gone")
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=passphrase)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"signing key {key.kid} is not Ed25519")
    return private


@dataclass(frozen=True)
class Signer:
    kid: str
    private: Ed25519PrivateKey

    def sign(self, claims: dict[str, object]) -> str:
        # `typ: at+jwt` (RFC 9068) keeps access tokens apart from any other JWT we might sign.
        return jwt.encode(
            claims, self.private, algorithm=ALGORITHM, headers={"kid": self.kid, "typ": "at+jwt"}
        )
