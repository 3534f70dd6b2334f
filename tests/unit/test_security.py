"""Safe redirects and client hashing."""

from __future__ import annotations

import pytest

from moderation.pipeline import hash_client_ip
from moderation.security import safe_next


@pytest.mark.parametrize("target", ["/queue/", "/queue/spam?language=es", "/articles/a#c"])
def test_local_paths_are_followed(target: str) -> None:
    assert safe_next(target, "/fallback") == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\tevil",
        "queue",
    ],
)
def test_everything_else_falls_back(target: str | None) -> None:
    assert safe_next(target, "/fallback") == "/fallback"


def test_client_hash_is_keyed_and_stable() -> None:
    first = hash_client_ip(b"key-one", "203.0.113.9")
    assert first == hash_client_ip(b"key-one", "203.0.113.9")
    assert first != hash_client_ip(b"key-two", "203.0.113.9")
    assert first != hash_client_ip(b"key-one", "203.0.113.10")
    assert first is not None and "203.0.113" not in first


def test_ipv6_clients_are_grouped_by_network() -> None:
    assert hash_client_ip(b"k", "2001:db8:1:2::1") == hash_client_ip(b"k", "2001:db8:1:2::ffff")
    assert hash_client_ip(b"k", "2001:db8:1:2::1") != hash_client_ip(b"k", "2001:db8:1:3::1")


@pytest.mark.parametrize("address", [None, "", "not-an-ip"])
def test_missing_or_bad_addresses_hash_to_none(address: str | None) -> None:
    assert hash_client_ip(b"k", address) is None
