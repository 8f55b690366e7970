"""Identity rules without a database: login window, key publication, account checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from registry.identity import rules

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_the_sliding_window_counts_only_recent_failures() -> None:
    assert rules.retry_after([], 100.0, 60, 3) is None
    assert rules.retry_after([10.0, 20.0], 30.0, 60, 3) is None
    assert rules.retry_after([10.0, 20.0, 30.0], 30.0, 60, 3) == 40.0
    # The oldest failure left the window: allowed again.
    assert rules.retry_after([10.0, 20.0, 30.0], 70.0, 60, 3) is None
    assert rules.retry_after([10.0, 20.0, 30.0, 40.0], 71.0, 60, 3) == 9.0


def test_the_address_limit_counts_an_ipv6_subscriber_by_its_64() -> None:
    assert rules.address_key("203.0.113.7") == "203.0.113.7"
    assert rules.address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert rules.address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert rules.address_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert rules.address_key("testclient") == "testclient"


def test_the_newest_live_key_signs_and_retired_keys_leave_after_the_grace() -> None:
    k1 = rules.KeyState("k1", T0, T0 + timedelta(hours=1))
    k2 = rules.KeyState("k2", T0 + timedelta(hours=1), None)
    assert rules.signing_kid([k1, k2]) == "k2"
    assert rules.signing_kid([k1]) is None
    inside = T0 + timedelta(hours=1, minutes=29)
    after = T0 + timedelta(hours=1, minutes=30)
    assert rules.published_kids([k1, k2], inside, 1800) == ["k1", "k2"]
    assert rules.published_kids([k1, k2], after, 1800) == ["k2"]


def test_account_checks_name_each_field() -> None:
    errors = rules.user_errors(
        username="Nguyễn An",
        password="short",
        roles=["admin", "king"],
        member_id="m1",
        staff_role="Văn phòng",
        scope_kind="commune",
        password_min_length=10,
    )
    pointers = {e["pointer"]: e["code"] for e in errors}
    assert pointers == {
        "/username": "username-invalid",
        "/member_id": "link-required",
        "/staff_role": "link-required",
        "/roles/1": "role-unknown",
        "/roles": "admin-not-province",
        "/password": "password-too-short",
    }
    assert rules.password_errors("an.nguyen-2026!", "an.nguyen", 10)[0]["code"] == "password-weak"
    assert rules.client_errors("agency", ["service"])[0]["pointer"] == "/roles/0"
    assert rules.normalise_username("  An.Nguyen ") == "an.nguyen"


def test_claims_carry_ids_and_roles_only() -> None:
    claims = rules.access_claims(
        issuer="chibo-registry",
        audience=["chibo:meetings"],
        subject="u1",
        token_id="j1",
        now=T0,
        lifetime_seconds=900,
        roles=["secretary", "member", "secretary"],
        organisation_id="b1",
        scope_kind="affiliated_branch",
    )
    assert claims["exp"] == claims["iat"] + 900 == claims["nbf"] + 900
    assert claims["roles"] == ["member", "secretary"]
    assert set(claims) == {
        *("iss", "aud", "sub", "iat", "nbf", "exp", "jti"),
        *("roles", "org", "scope_kind", "grants"),
    }


def test_a_token_names_the_services_it_is_for() -> None:
    assert rules.audiences(None) == [f"chibo:{s}" for s in rules.SERVICES]
    assert rules.audiences("meetings  scoring meetings") == ["chibo:meetings", "chibo:scoring"]
    assert rules.audiences("meetings evil") is None
