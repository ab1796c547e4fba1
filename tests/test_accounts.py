"""Accounts for writing the call: Argon2id hashes in a private file, hashed tokens, the
limits on failed sign-ins, signed sessions with their CSRF tokens, the proxy mode, and the
`user` and `token` commands through the real entry point."""

from __future__ import annotations

import ipaddress
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from fourules.accounts.limits import SignInLimiter, address_key
from fourules.accounts.names import check_name
from fourules.accounts.proxy import proxied_user, trusted_networks
from fourules.accounts.roles import may_edit, may_publish, role
from fourules.accounts.sessions import Sessions, server_secret
from fourules.accounts.store import Accounts
from fourules.errors import InputError
from tests.terminal import at_a_terminal

SRC = Path(__file__).parents[1] / "src"
PASSWORD = "rätt häst batteri häftklammer"
# Argon2id at a test's cost (the production hasher is argon2-cffi's defaults).
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    return Accounts(tmp_path / "calls", hasher=CHEAP)


def test_a_password_is_kept_as_an_argon2id_hash_in_a_private_file(accounts: Accounts) -> None:
    accounts.add_user("anna", "editor", PASSWORD)
    raw = accounts.path.read_text(encoding="utf-8")
    stored = json.loads(raw)["users"]["anna"]["hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in raw
    assert _mode(accounts.path) == 0o600 and _mode(accounts.folder) == 0o700
    assert [(a.name, a.role) for a in accounts.users()] == [("anna", "editor")]


def test_the_production_hasher_is_argon2_cffi_s_rfc_9106_low_memory_profile() -> None:
    from argon2.profiles import RFC_9106_LOW_MEMORY

    hasher = Accounts(Path("unused")).hasher
    assert hasher.type.name == "ID"
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        RFC_9106_LOW_MEMORY.time_cost,
        RFC_9106_LOW_MEMORY.memory_cost,
        RFC_9106_LOW_MEMORY.parallelism,
    )


def test_a_file_others_can_read_is_refused_with_how_to_fix_it(accounts: Accounts) -> None:
    accounts.add_user("anna", "editor", PASSWORD)
    os.chmod(accounts.path, 0o644)
    fresh = Accounts(accounts.calls, hasher=CHEAP)
    with pytest.raises(InputError, match="chmod 600"):
        fresh.users()
    with pytest.raises(InputError, match="chmod 600"):
        fresh.verify_password("anna", PASSWORD)


def test_a_broken_file_is_a_clear_refusal(accounts: Accounts) -> None:
    accounts.folder.parent.mkdir(parents=True)
    accounts.folder.mkdir(mode=0o700)
    accounts.path.write_text('{"users": {"anna": {"role": "boss"}}}', encoding="utf-8")
    os.chmod(accounts.path, 0o600)
    with pytest.raises(InputError, match="kontofil") as refused:
        accounts.users()
    assert refused.value.where == str(accounts.path)


def test_verify_right_wrong_and_unknown(accounts: Accounts) -> None:
    accounts.add_user("anna", "publisher", PASSWORD)
    signed_in = accounts.verify_password("anna", PASSWORD)
    assert signed_in is not None and (signed_in.name, signed_in.role) == ("anna", "publisher")
    assert accounts.verify_password("anna", PASSWORD + "x") is None
    assert accounts.verify_password("bertil", PASSWORD) is None
    assert accounts.verify_password("anna", "x" * 5000) is None


def test_a_hash_with_older_parameters_is_rehashed_when_the_password_proves_it(
    tmp_path: Path,
) -> None:
    older = Accounts(tmp_path, hasher=PasswordHasher(time_cost=1, memory_cost=16, parallelism=1))
    older.add_user("anna", "editor", PASSWORD)
    before = json.loads(older.path.read_text(encoding="utf-8"))["users"]["anna"]["hash"]
    now = Accounts(tmp_path, hasher=CHEAP)
    assert now.verify_password("anna", PASSWORD) is not None
    after = json.loads(now.path.read_text(encoding="utf-8"))["users"]["anna"]["hash"]
    assert "m=16," in before and "m=8," in after
    assert now.verify_password("anna", PASSWORD) is not None


def test_the_file_is_read_again_when_it_changes(accounts: Accounts) -> None:
    other = Accounts(accounts.calls, hasher=CHEAP)
    assert other.users() == []
    accounts.add_user("anna", "editor", PASSWORD)
    assert [a.name for a in other.users()] == ["anna"]
    accounts.remove_user("anna")
    assert other.users() == [] and other.verify_password("anna", PASSWORD) is None


@pytest.mark.parametrize(
    ("name", "why"),
    [("", "tomt"), ("an na", "blanksteg"), ("anna\x00", "styrtecken"), ("a" * 65, "längre")],
)
def test_a_bad_name_is_refused(accounts: Accounts, name: str, why: str) -> None:
    with pytest.raises(InputError, match=why):
        accounts.add_user(name, "editor", PASSWORD)
    assert check_name("a" * 64) == "a" * 64


def test_a_short_password_and_a_name_in_use_are_refused(accounts: Accounts) -> None:
    with pytest.raises(InputError, match="minst 12"):
        accounts.add_user("anna", "editor", "kort")
    accounts.add_user("anna", "editor", PASSWORD)
    with pytest.raises(InputError, match="redan"):
        accounts.add_user("anna", "publisher", PASSWORD)
    with pytest.raises(InputError, match="ingen användare"):
        accounts.remove_user("bertil")


def test_roles_a_publisher_may_also_edit() -> None:
    assert may_edit("editor") and not may_publish("editor")
    assert may_edit("publisher") and may_publish("publisher")
    with pytest.raises(InputError, match="ingen roll"):
        role("admin")


def test_a_token_is_stored_as_its_digest_and_verifies_until_revoked(accounts: Accounts) -> None:
    account, token = accounts.create_token("integration", "editor")
    assert token.startswith("fou_") and len(token) == 4 + 43
    assert token not in accounts.path.read_text(encoding="utf-8")
    found = accounts.verify_token(token)
    assert found == account and found.kind == "token" and found.role == "editor"
    assert accounts.verify_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert accounts.verify_token("not-a-token") is None
    with pytest.raises(InputError, match="redan"):
        accounts.create_token("integration", "publisher")
    accounts.revoke_token("integration")
    assert accounts.verify_token(token) is None
    with pytest.raises(InputError, match="ingen token"):
        accounts.revoke_token("integration")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failed_sign_ins_lock_an_account_out_for_a_growing_period() -> None:
    clock = Clock()
    limiter = SignInLimiter(clock=clock)
    for n in range(4):
        limiter.failed("anna", f"10.0.0.{n}")
    assert limiter.refused_for("anna", "10.0.0.9") == 0
    limiter.failed("anna", "10.0.0.5")
    assert limiter.refused_for("anna", "10.0.0.9") == 60  # any address
    assert limiter.refused_for("bertil", "10.0.0.5") == 0  # the address's count is its own
    clock.now += 60
    assert limiter.refused_for("anna", "10.0.0.9") == 0
    for n in range(5):
        limiter.failed("anna", f"10.0.1.{n}")
    assert limiter.refused_for("anna", "10.0.0.9") == 120  # twice the last


def test_failed_sign_ins_from_one_address_lock_the_address_out() -> None:
    clock = Clock()
    limiter = SignInLimiter(clock=clock)
    for n in range(5):
        limiter.failed(f"user{n}", "2001:db8::1")
    assert limiter.refused_for("someone", "2001:db8::2") == 60  # the same /64
    assert limiter.refused_for("someone", "2001:db8:0:1::1") == 0
    limiter.succeeded("user0", "2001:db8::1")
    assert limiter.refused_for("someone", "2001:db8::1") == 60  # a success clears no address
    assert address_key("::ffff:10.0.0.1") == "10.0.0.1"


def test_failures_older_than_the_window_and_before_a_success_do_not_count() -> None:
    clock = Clock()
    limiter = SignInLimiter(clock=clock)
    for _ in range(4):
        limiter.failed("anna", "10.0.0.1")
    clock.now += 15 * 60
    limiter.failed("anna", "10.0.0.2")
    assert limiter.refused_for("anna", "10.0.0.3") == 0
    for _ in range(3):
        limiter.failed("anna", "10.0.0.2")
    limiter.succeeded("anna", "10.0.0.2")
    limiter.failed("anna", "10.0.0.4")
    assert limiter.refused_for("anna", "10.0.0.3") == 0


def test_each_failure_is_answered_more_slowly_up_to_a_bound() -> None:
    limiter = SignInLimiter(clock=Clock())
    assert [limiter.failed("anna", "10.0.0.1") for _ in range(3)] == [0.5, 1.0, 1.5]
    assert max(limiter.failed(f"u{n}", "10.0.0.2") for n in range(20)) == 3


def test_the_server_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    secret = server_secret(tmp_path)
    path = tmp_path / ".fourules" / "secret"
    assert len(secret) == 32 and _mode(path) == 0o600
    assert server_secret(tmp_path) == secret
    os.chmod(path, 0o640)
    with pytest.raises(InputError, match="chmod 600"):
        server_secret(tmp_path)


def test_a_session_is_signed_expires_and_refuses_tampering(tmp_path: Path) -> None:
    clock = Clock()
    sessions = Sessions(server_secret(tmp_path), clock=clock)
    session, value = sessions.issue("anna")
    assert sessions.verify(value) == session and session.user == "anna"
    version, payload, mac = value.split(".")
    import base64

    forged = base64.urlsafe_b64encode(
        base64.urlsafe_b64decode(payload + "==").replace(b"anna", b"bert")
    )
    assert sessions.verify(f"{version}.{forged.decode().rstrip('=')}.{mac}") is None
    assert sessions.verify(f"{version}.{payload}.{mac[:-2]}AA") is None
    assert sessions.verify("garbage") is None and sessions.verify("v1.!!.??") is None
    assert Sessions(b"x" * 32, clock=clock).verify(value) is None  # another secret
    clock.now += 8 * 60 * 60 - 1
    assert sessions.verify(value) == session
    clock.now += 1
    assert sessions.verify(value) is None


def test_a_csrf_token_is_bound_to_its_session(tmp_path: Path) -> None:
    sessions = Sessions(server_secret(tmp_path))
    mine, value = sessions.issue("anna")
    theirs, _ = sessions.issue("anna")
    token = sessions.csrf_token(mine)
    assert sessions.check_csrf(mine, token)
    assert not sessions.check_csrf(theirs, token)
    assert not sessions.check_csrf(mine, "") and not sessions.check_csrf(mine, "å" * 43)
    assert not sessions.check_csrf(mine, value.split(".")[2])  # the session's MAC is no token


def test_the_proxy_s_header_is_believed_only_from_its_networks() -> None:
    trusted = trusted_networks(["10.1.0.0/16", "192.0.2.7"], "trusted")
    assert proxied_user("10.1.2.3", trusted, "anna") == "anna"
    assert proxied_user("::ffff:192.0.2.7", trusted, "anna") == "anna"
    assert proxied_user("192.0.2.8", trusted, "anna") is None
    assert proxied_user("10.2.0.1", trusted, "anna") is None
    assert proxied_user("10.1.2.3", [], "anna") is None
    assert proxied_user("10.1.2.3", trusted, None) is None
    assert proxied_user("10.1.2.3", trusted, "anna, mallory") is None
    assert proxied_user("not an address", trusted, "anna") is None
    assert trusted == [ipaddress.ip_network("10.1.0.0/16"), ipaddress.ip_network("192.0.2.7")]
    with pytest.raises(InputError, match=r"10\.1\.0\.0/33"):
        trusted_networks(["10.1.0.0/33"], "trusted")


def _fourules(*args: str, input: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "fourules", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_the_commands_add_list_and_make_a_token_that_verifies(tmp_path: Path) -> None:
    calls = str(tmp_path / "calls")
    added = _fourules(
        "user", "add", "anna", "--role", "editor", "--calls", calls, input=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    listed = _fourules("--lang", "en", "user", "list", "--calls", calls)
    assert listed.returncode == 0 and "anna" in listed.stdout and "editor" in listed.stdout
    assert "argon2" not in listed.stdout
    accounts = Accounts(tmp_path / "calls")
    assert accounts.verify_password("anna", PASSWORD) is not None
    made = _fourules("token", "create", "integration", "--role", "publisher", "--calls", calls)
    assert made.returncode == 0, made.stderr
    token = made.stdout.split()[-1]
    found = accounts.verify_token(token)
    assert found is not None and (found.name, found.role) == ("integration", "publisher")
    revoked = _fourules("token", "revoke", "integration", "--calls", calls)
    assert revoked.returncode == 0 and accounts.verify_token(token) is None
    removed = _fourules("user", "remove", "anna", "--calls", calls)
    assert removed.returncode == 0 and accounts.users() == []


@pytest.mark.parametrize(
    ("args", "password", "why"),
    [
        (["--role", "admin"], PASSWORD, "'admin' is not a role"),
        (["--role", "editor"], "too short", "the password has 9 characters"),
        (["--role", "editor"], "", "no password given"),
    ],
)
def test_the_commands_refuse_bad_input_in_one_line(
    tmp_path: Path, args: list[str], password: str, why: str
) -> None:
    done = _fourules(
        "--lang",
        "en",
        "user",
        "add",
        "anna",
        *args,
        "--calls",
        str(tmp_path),
        input=password + "\n" if password else "",
    )
    assert done.returncode == 2 and why in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert Accounts(tmp_path).users() == []


@pytest.mark.skipif(sys.platform == "win32", reason="a terminal is POSIX's pty here")
def test_at_a_terminal_the_password_is_asked_twice_without_echo(tmp_path: Path) -> None:
    secret = b"correct horse battery staple"
    args = ["user", "add", "eva", "--role", "publisher", "--calls", str(tmp_path)]
    code, shown = at_a_terminal(
        ["--lang", "en", *args], (b"Password: ", secret), (b"again: ", secret)
    )
    assert code == 0, shown
    assert "Password:" in shown and "The same password again:" in shown
    assert secret.decode() not in shown  # not echoed
    accounts = Accounts(tmp_path, hasher=CHEAP)
    assert accounts.verify_password("eva", secret.decode()) is not None
    args[2] = "ebba"
    code, shown = at_a_terminal(
        ["--lang", "en", *args], (b"Password: ", secret), (b"again: ", b"another one")
    )
    assert code == 2 and "the two passwords differ" in shown, shown
    assert accounts.user("ebba") is None
