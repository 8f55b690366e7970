"""Identity of the registry: sign-in, token issuance, signing keys, users and clients.

One `Identity` per app (`build_app` installs it with `use_identity`; handlers get it from
`get_identity`): it holds the argon2 hasher, the sign-in limits (counted in the database:
`identity.attempts`), the decrypted signer of the current key and a `TokenVerifier` reading
the key table directly — the app's verifier, so the registry checks its own tokens exactly as
the other services do.
"""

from __future__ import annotations

import asyncio
import math
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit import record as audit
from registry.identity import attempts, revocations, rules
from registry.identity.grants import client_grants, person_grants
from registry.identity.keys import Signer, load_private, new_signing_key
from registry.identity.models import ApiClient, SigningKey, UserAccount
from registry.identity.passwords import Passwords
from registry.identity.schemas import (
    ClientCreatedOut,
    ClientIn,
    ClientOut,
    KeyOut,
    PasswordIn,
    RotationOut,
    TokenOut,
    UserIn,
    UserOut,
    UserStatusIn,
)
from registry.identity.settings import IdentitySettings
from registry.members import service as members
from registry.organisations.models import Organisation
from registry.organisations.queries import require_org
from service_kit.auth import Principal, Revocations, TokenVerifier
from service_kit.clock import today_in_vietnam
from service_kit.errors import (
    BadRequest,
    Conflict,
    FieldError,
    Invalid,
    NotFound,
    TooMany,
    Unauthenticated,
    invalid,
)
from service_kit.ids import new_id
from service_kit.runtime import ServiceRuntime
from service_kit.uow import UnitOfWork

BAD_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng."


def actor_of(principal: Principal) -> str:
    return f"{'client' if principal.client else 'user'}:{principal.subject}"


class _RuntimeClock:
    """Follows `runtime.clock` even when a test swaps it after start-up."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    def now(self) -> datetime:
        return self.runtime.clock.now()

    async def revocations(self) -> dict[str, Any]:
        """Subjects whose earlier tokens no longer count (`identity.revocations`), on the clock
        that stamps the tokens' `iat`, which the verifiers compare it with."""
        async with self.runtime.db.session() as session:
            return await revocations.published(session, self.now())


class Identity:
    def __init__(self, runtime: ServiceRuntime, settings: IdentitySettings | None = None) -> None:
        self.runtime = runtime
        self.settings = settings or IdentitySettings()
        self.passwords = Passwords(self.settings)
        self.limits = attempts.Limits(
            per_account=self.settings.login_max_failures,
            per_address=self.settings.login_max_failures_per_address,
            window_seconds=self.settings.login_window_seconds,
        )
        self._passphrase = self.settings.key_passphrase.get_secret_value().encode()
        self._signer: Signer | None = None
        self._first_key = asyncio.Lock()
        # The key table is local: a short cache is enough and retired keys drop out quickly.
        self.verifier = TokenVerifier(
            self.jwks,
            issuer=runtime.settings.auth_issuer,
            audience=runtime.settings.effective_audience,
            leeway_seconds=runtime.settings.auth_leeway_seconds,
            cache_seconds=2.0,
            min_refresh_seconds=1.0,
            clock=_RuntimeClock(runtime),
            revocations=Revocations(self.revocations, refresh_seconds=5.0),
        )

    def now(self) -> datetime:
        return self.runtime.clock.now()

    async def revocations(self) -> dict[str, Any]:
        """Subjects whose earlier tokens no longer count (`identity.revocations`), on the clock
        that stamps the tokens' `iat`, which the verifiers compare it with."""
        async with self.runtime.db.session() as session:
            return await revocations.published(session, self.now())

    # Keys ------------------------------------------------------------------------------------

    async def _keys(self, session: AsyncSession) -> list[SigningKey]:
        oldest = self.now() - timedelta(seconds=self.settings.key_grace_seconds)
        rows = await session.scalars(
            sa.select(SigningKey)
            .where(sa.or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > oldest))
            .order_by(SigningKey.created_at)
        )
        return list(rows)

    async def jwks(self) -> dict[str, Any]:
        """The public keys verifiers may trust now (never a private field)."""
        async with self.runtime.db.session() as session:
            keys = await self._keys(session)
        published = set(rules.published_kids([_state(k) for k in keys], self.now(), self._grace))
        return {"keys": [dict(k.public_jwk) for k in keys if k.kid in published]}

    @property
    def _grace(self) -> int:
        return self.settings.key_grace_seconds

    async def signer(self) -> Signer:
        """The signer of the newest live key; the first key is made on first use."""
        async with self.runtime.db.session() as session:
            keys = await self._keys(session)
        kid = rules.signing_kid([_state(k) for k in keys])
        if kid is None:
            async with self._first_key:
                async with self.runtime.db.session() as session:
                    keys = await self._keys(session)
                kid = rules.signing_kid([_state(k) for k in keys])
                if kid is None:
                    async with self.runtime.uow() as uow:
                        key = await self._new_key(uow, "system:first-key")
                        await uow.commit()
                    keys, kid = [key], key.kid
        if self._signer is None or self._signer.kid != kid:
            row = next(k for k in keys if k.kid == kid)
            private = await asyncio.to_thread(load_private, row, self._passphrase)
            self._signer = Signer(kid, private)
        return self._signer

    async def _new_key(self, uow: UnitOfWork, actor: str) -> SigningKey:
        key = await asyncio.to_thread(new_signing_key, self._passphrase, self.now())
        uow.session.add(key)
        await audit.record(
            uow.session,
            actor=actor,
            action="signing_key.created",
            entity="signing_key",
            entity_id=key.kid,
            at=self.now(),
            after=audit.snapshot(key),
        )
        return key

    def _key_out(self, key: SigningKey) -> KeyOut:
        until = key.retired_at + timedelta(seconds=self._grace) if key.retired_at else None
        return KeyOut(
            kid=key.kid,
            algorithm=key.algorithm,
            created_at=key.created_at,
            retired_at=key.retired_at,
            published_until=until,
        )

    async def rotate(self, uow: UnitOfWork, actor: str) -> RotationOut:
        """A new key signs from now on; the old ones stay published for the grace period and
        lose their private half at once (nothing can sign with them any more)."""
        live = await uow.session.scalars(
            sa.select(SigningKey).where(SigningKey.retired_at.is_(None))
        )
        retired = []
        for key in live:
            before = audit.snapshot(key)
            key.retired_at, key.private_pem = self.now(), None
            await audit.record(
                uow.session,
                actor=actor,
                action="signing_key.retired",
                entity="signing_key",
                entity_id=key.kid,
                at=self.now(),
                before=before,
                after=audit.snapshot(key),
            )
            retired.append(self._key_out(key))
        new = await self._new_key(uow, actor)
        return RotationOut(active=self._key_out(new), retired=retired)

    async def key_list(self) -> list[KeyOut]:
        async with self.runtime.db.session() as session:
            return [self._key_out(k) for k in await self._keys(session)]

    # Tokens ----------------------------------------------------------------------------------

    async def _issue(
        self,
        *,
        subject: str,
        roles: list[str],
        organisation_id: str,
        audience: list[str],
        member_id: str | None = None,
        client_id: str | None = None,
        client_kind: str | None = None,
    ) -> TokenOut:
        today = today_in_vietnam(self.runtime.clock)
        async with self.runtime.db.session() as session:
            kind = await session.scalar(
                sa.select(Organisation.kind).where(Organisation.id == organisation_id)
            )
            if client_kind is not None:
                grants = await client_grants(session, roles, organisation_id, client_kind)
            else:
                grants = await person_grants(session, roles, organisation_id, member_id, today)
        signer = await self.signer()
        claims = rules.access_claims(
            issuer=self.runtime.settings.auth_issuer,
            audience=audience,
            subject=subject,
            token_id=new_id(),
            now=self.now(),
            lifetime_seconds=self.settings.access_token_seconds,
            roles=roles,
            organisation_id=organisation_id,
            scope_kind=kind or "unknown",
            grants=grants,
            member_id=member_id,
            client_id=client_id,
            client_kind=client_kind,
        )
        return TokenOut(
            access_token=signer.sign(claims), expires_in=self.settings.access_token_seconds
        )

    async def _attempt(self, account: str, ip: str) -> attempts.Attempt:
        """Refuse while the account or the client address is limited, else count this attempt
        as a failure up front (`identity.attempts`); a success clears it."""
        attempt = await attempts.begin(
            self.runtime.db, account, rules.address_key(ip), self.now(), self.limits
        )
        if attempt.wait is not None:
            seconds = max(1, math.ceil(attempt.wait))
            raise TooMany(
                "login-rate-limited",
                f"Đăng nhập sai quá nhiều lần; vui lòng thử lại sau {seconds} giây.",
                headers={"Retry-After": str(seconds)},
                error="slow_down",
            )
        return attempt

    async def password_grant(
        self, username: str, password: str, ip: str, audience: list[str]
    ) -> TokenOut:
        name = rules.normalise_username(username)
        attempt = await self._attempt(f"user:{name}", ip)
        async with self.runtime.db.session() as session:
            user = await session.scalar(sa.select(UserAccount).where(UserAccount.username == name))
        stored = user.password_hash if user is not None and not user.disabled else None
        # Verified even for an unknown name (against a decoy) so timing reveals nothing.
        matched = await self.passwords.verify(stored, password)
        if user is None or not matched:
            raise BadRequest("invalid-grant", BAD_LOGIN, error="invalid_grant")
        await attempts.succeeded(self.runtime.db, attempt, f"user:{name}")
        if self.passwords.needs_rehash(user.password_hash):
            await self._rehash(user.id, password)
        return await self._issue(
            subject=user.id,
            roles=list(user.roles),
            organisation_id=user.organisation_id,
            audience=audience,
            member_id=user.member_id,
        )

    async def _rehash(self, user_id: str, password: str) -> None:
        """Argon2 parameters were raised: upgrade the stored hash while the password is known."""
        new_hash = await self.passwords.hash(password)
        async with self.runtime.uow() as uow:
            user = await uow.session.get(UserAccount, user_id)
            if user is None:
                return
            user.password_hash = new_hash
            await audit.record(
                uow.session,
                actor=f"user:{user_id}",
                action="user.password_rehashed",
                entity="user",
                entity_id=user_id,
                at=self.now(),
            )
            await uow.commit()

    async def client_grant(
        self, client_id: str, secret: str, ip: str, audience: list[str]
    ) -> TokenOut:
        attempt = await self._attempt(f"client:{client_id}", ip)
        async with self.runtime.db.session() as session:
            client = await session.scalar(
                sa.select(ApiClient).where(ApiClient.client_id == client_id)
            )
        stored = client.secret_hash if client is not None and not client.disabled else None
        matched = await self.passwords.verify(stored, secret)
        if client is None or not matched:
            raise Unauthenticated(
                "invalid-client",
                "Mã ứng dụng hoặc khóa bí mật không đúng.",
                headers={"WWW-Authenticate": 'Basic realm="chibo"'},
                error="invalid_client",
            )
        await attempts.succeeded(self.runtime.db, attempt, f"client:{client_id}")
        return await self._issue(
            subject=client.client_id,
            roles=list(client.roles),
            organisation_id=client.organisation_id,
            audience=audience,
            client_id=client.client_id,
            client_kind=client.kind,
        )

    # Users and clients -----------------------------------------------------------------------

    async def create_user(self, uow: UnitOfWork, body: UserIn, actor: str) -> UserOut:
        session = uow.session
        name = rules.normalise_username(body.username)
        org = await require_org(session, body.organisation_id, pointer="/organisation_id")
        if body.member_id is not None:
            await members.load(session, body.member_id, "/member_id")
        errors = rules.user_errors(
            username=name,
            password=body.password,
            roles=body.roles,
            member_id=body.member_id,
            staff_role=body.staff_role,
            scope_kind=org.kind,
            password_min_length=self.settings.password_min_length,
        )
        if errors:
            raise invalid("Không tạo được tài khoản.", errors, "user-invalid")
        taken = await session.scalar(sa.select(UserAccount.id).where(UserAccount.username == name))
        if taken is not None:
            detail = f"Tên đăng nhập {name} đã có người dùng."
            raise Conflict(
                "username-taken", detail, errors=[FieldError("/username", detail, "taken")]
            )
        now = self.now()
        user = UserAccount(
            id=new_id(),
            username=name,
            display_name=body.display_name,
            password_hash=await self.passwords.hash(body.password),
            member_id=body.member_id,
            staff_role=body.staff_role,
            organisation_id=org.id,
            roles=sorted(set(body.roles)),
            created_at=now,
            password_changed_at=now,
        )
        session.add(user)
        await audit.record(
            session,
            actor=actor,
            action="user.created",
            entity="user",
            entity_id=user.id,
            at=now,
            after=audit.snapshot(user),
        )
        return UserOut.model_validate(user, from_attributes=True)

    async def user(self, user_id: str) -> UserOut:
        async with self.runtime.db.session() as session:
            user = await session.get(UserAccount, user_id)
        if user is None:
            raise NotFound("user-not-found", f"Không có tài khoản {user_id}.")
        return UserOut.model_validate(user, from_attributes=True)

    async def reset_password(
        self, uow: UnitOfWork, user_id: str, body: PasswordIn, actor: str
    ) -> UserOut:
        user = await uow.session.get(UserAccount, user_id)
        if user is None:
            raise NotFound("user-not-found", f"Không có tài khoản {user_id}.")
        errors = rules.password_errors(
            body.password, user.username, self.settings.password_min_length
        )
        if errors:
            raise invalid("Mật khẩu mới không hợp lệ.", errors, "password-invalid")
        before = audit.snapshot(user)
        user.password_hash = await self.passwords.hash(body.password)
        user.password_changed_at = self.now()
        user.version += 1
        await revocations.revoke(uow.session, user.id, self.now())
        await audit.record(
            uow.session,
            actor=actor,
            action="user.password_reset",
            entity="user",
            entity_id=user.id,
            at=self.now(),
            before=before,
            after=audit.snapshot(user),
        )
        return UserOut.model_validate(user, from_attributes=True)

    async def set_user_status(
        self, uow: UnitOfWork, user_id: str, body: UserStatusIn, actor: str
    ) -> UserOut:
        """Disable (or enable again) an account; its tokens stop working within a minute."""
        user = await uow.session.get(UserAccount, user_id)
        if user is None:
            raise NotFound("user-not-found", f"Không có tài khoản {user_id}.")
        before = audit.snapshot(user)
        user.disabled = body.disabled
        user.version += 1
        await revocations.revoke(uow.session, user.id, self.now())
        await audit.record(
            uow.session,
            actor=actor,
            action="user.disabled" if body.disabled else "user.enabled",
            entity="user",
            entity_id=user.id,
            at=self.now(),
            before=before,
            after={**audit.snapshot(user), "reason": body.reason},
        )
        return UserOut.model_validate(user, from_attributes=True)

    async def create_client(self, uow: UnitOfWork, body: ClientIn, actor: str) -> ClientCreatedOut:
        org = await require_org(uow.session, body.organisation_id, pointer="/organisation_id")
        errors = rules.client_errors(body.kind, body.roles)
        if errors:
            raise invalid("Không tạo được ứng dụng.", errors, "client-invalid")
        secret = secrets.token_urlsafe(32)
        client = ApiClient(
            id=new_id(),
            client_id=f"{body.kind}-{secrets.token_hex(8)}",
            name=body.name,
            kind=body.kind,
            secret_hash=await self.passwords.hash(secret),
            organisation_id=org.id,
            roles=sorted(set(body.roles)),
            created_at=self.now(),
        )
        uow.session.add(client)
        await audit.record(
            uow.session,
            actor=actor,
            action="client.created",
            entity="client",
            entity_id=client.id,
            at=self.now(),
            after=audit.snapshot(client),
        )
        out = ClientCreatedOut.model_validate(
            {**client.model_dump(), "client_secret": secret}, from_attributes=False
        )
        return out

    async def client(self, client_id: str) -> ClientOut:
        """A client by its `client_id` (the one it signs in with), never its secret."""
        async with self.runtime.db.session() as session:
            client = await session.scalar(
                sa.select(ApiClient).where(ApiClient.client_id == client_id)
            )
        if client is None:
            raise NotFound("client-not-found", f"Không có ứng dụng {client_id}.")
        return ClientOut.model_validate(client, from_attributes=True)

    async def bootstrap_admin(
        self, uow: UnitOfWork, username: str, password: str, organisation: str | None
    ) -> UserOut:
        """The first province admin, from the command line (no token exists yet)."""
        org = await _province(uow.session, organisation)
        body = UserIn(
            username=username,
            display_name="Quản trị hệ thống",
            password=password,
            staff_role="Quản trị hệ thống",
            organisation_id=org.id,
            roles=["admin", "officer"],
        )
        return await self.create_user(uow, body, "cli:create-admin")


async def _province(session: AsyncSession, ref: str | None) -> Organisation:
    """`ref` is an id or a code; without it, the only province registered."""
    if ref is not None:
        org = await session.scalar(
            sa.select(Organisation).where(sa.or_(Organisation.id == ref, Organisation.code == ref))
        )
        if org is None:
            raise NotFound("organisation-unknown", f"Không có tổ chức {ref}.")
        return org
    provinces = list(
        await session.scalars(sa.select(Organisation).where(Organisation.kind == "province"))
    )
    if not provinces:
        raise Invalid(
            "organisation-required",
            "Chưa có tổ chức cấp tỉnh nào: hãy đăng ký tỉnh (hoặc nạp dữ liệu demo) trước.",
        )
    if len(provinces) > 1:
        raise Invalid(
            "organisation-required",
            f"Có {len(provinces)} tổ chức cấp tỉnh; hãy chỉ rõ --organisation (mã hoặc id).",
        )
    return provinces[0]


def _state(key: SigningKey) -> rules.KeyState:
    return rules.KeyState(key.kid, key.created_at, key.retired_at)


def get_identity(request: Request) -> Identity:
    """The app's `Identity` (`registry.main.build_app` makes it; see `use_identity`)."""
    identity = request.app.state.runtime.context.identity
    assert isinstance(identity, Identity)
    return identity


def use_identity(app: FastAPI, identity: Identity) -> None:
    """`identity` issues the app's tokens and its verifier checks them on every route."""
    app.state.runtime.context.identity = identity
    app.state.verifier = identity.verifier
