"""Hostile local inputs end as configuration errors (exit 2), never as a hang or a traceback
(issue 18, item 5).

- bytes that are not UTF-8 in a secret variable (Python reads them as lone surrogates);
- a FIFO, a device, a directory or a huge file as ``SF_JWT_KEY_FILE``;
- a device as ``--env-file``.

The cases that used to hang run ``sfdoctor`` in a child process with a time limit (and a
memory limit), so a regression fails the test instead of stopping the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from sfdoctor.status import ExitStatus
from tests.commands.test_check import CLIENT_ID, CLIENT_SECRET, PASSWORD, TOKEN, USERNAME, Org
from tests.conftest import ROOT
from tests.security_hostile import clean_environment

NOT_UTF8 = b"Canary\xffPassw0rd\xfe"


def sfdoctor(
    args: list[str], env: dict[bytes, bytes], *, timeout: float = 30
) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m sfdoctor ARGS`` with exactly ``env`` (bytes: any value at all), at
    most ``timeout`` seconds and 2 GiB of memory."""

    def limit() -> None:  # pragma: no cover - runs in the child
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [sys.executable, "-m", "sfdoctor", *args],
        env=env,  # type: ignore[arg-type]
        cwd=ROOT,
        capture_output=True,
        timeout=timeout,
        preexec_fn=limit if sys.platform != "win32" else None,  # noqa: PLW1509
        check=False,
    )


def base_env(login_url: str, **more: bytes) -> dict[bytes, bytes]:
    keep = (b"PATH", b"HOME", b"SYSTEMROOT", b"PYTHONPATH", b"VIRTUAL_ENV", b"LANG")
    env = {k: v for k, v in os.environb.items() if k in keep}
    env.update(
        {
            b"SF_LOGIN_URL": login_url.encode(),
            b"SF_USERNAME": USERNAME.encode(),
            b"SF_PASSWORD": PASSWORD.encode(),
            b"SF_SECURITY_TOKEN": TOKEN.encode(),
            b"SF_CLIENT_ID": CLIENT_ID.encode(),
            b"SF_CLIENT_SECRET": CLIENT_SECRET.encode(),
        }
    )
    env.update({k.encode(): v for k, v in more.items()})
    return env


# --- bytes that are not UTF-8 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "variable",
    ["SF_PASSWORD", "SF_SECURITY_TOKEN", "SF_CLIENT_SECRET", "SF_USERNAME", "SF_LOGIN_URL"],
)
def test_a_variable_that_is_not_utf8_is_a_configuration_error(
    run, monkeypatch, httpserver: HTTPServer, variable: str
) -> None:
    org = Org(httpserver)
    clean_environment(monkeypatch)
    for name, value in {
        "SF_LOGIN_URL": httpserver.url_for("").rstrip("/"),
        "SF_USERNAME": USERNAME,
        "SF_PASSWORD": PASSWORD,
        "SF_SECURITY_TOKEN": TOKEN,
        "SF_CLIENT_ID": CLIENT_ID,
        "SF_CLIENT_SECRET": CLIENT_SECRET,
        variable: os.fsdecode(NOT_UTF8),  # what os.environ holds for such bytes
    }.items():
        monkeypatch.setenv(name, value)
    r = run("check", "--format", "json")
    assert r.status == ExitStatus.USAGE, r.err
    assert f"{variable} " in r.err and "not valid UTF-8" in r.err
    assert "Traceback" not in r.err and "internal error" not in r.err
    assert "Canary" not in r.err + r.out  # the value is never shown, not even in part
    assert org.logins == [] and not httpserver.log


def test_a_password_that_is_not_utf8_through_the_real_environment(httpserver: HTTPServer) -> None:
    org = Org(httpserver)
    env = base_env(httpserver.url_for("").rstrip("/"), SF_PASSWORD=NOT_UTF8)
    done = sfdoctor(["check"], env)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == ExitStatus.USAGE, err
    assert "SF_PASSWORD" in err and "not valid UTF-8" in err and "Traceback" not in err
    assert org.logins == []


# --- files that are not files ---------------------------------------------------------------------


def _key_files(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (SF_JWT_KEY_FILE, what the error must say)."""
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.key"
    with huge.open("w", encoding="ascii") as f:
        f.write("-----BEGIN PRIVATE KEY-----\n")
        f.write("A" * (2 * 1024 * 1024))
    return {
        "fifo": (str(fifo), "not a regular file"),
        "/dev/zero": ("/dev/zero", "not a regular file"),
        "directory": (str(tmp_path), "directory"),
        "huge": (str(huge), "larger than"),
    }


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("case", ["fifo", "/dev/zero", "directory", "huge"])
def test_a_key_file_that_is_not_a_small_regular_file(
    tmp_path: Path, httpserver: HTTPServer, case: str
) -> None:
    pytest.importorskip("jwt")
    path, says = _key_files(tmp_path)[case]
    env = base_env(httpserver.url_for("").rstrip("/"), SF_JWT_KEY_FILE=path.encode())
    done = sfdoctor(["check", "--flow", "jwt", "--format", "json"], env)
    assert done.returncode == ExitStatus.USAGE, done.stderr
    doc = json.loads(done.stdout)
    evidence = " ".join(e for f in doc["findings"] for e in f["evidence"])
    assert "SF_JWT_KEY_FILE" in evidence and says in evidence
    assert doc["attempts_used"] == 0 and not httpserver.log


def test_the_flow_itself_refuses_a_fifo_key(tmp_path: Path) -> None:
    """Lint checks the key file first; the probe that signs reads it again, with the same
    rules (the path could change in between)."""
    import threading

    from sfdoctor.check.flows.jwt import read_key
    from sfdoctor.probes.jwt import KeyProblem

    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    raised: list[BaseException] = []

    def read() -> None:
        try:
            read_key(str(fifo))
        except BaseException as exc:  # noqa: BLE001 - inspected below
            raised.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # a regression: release the reader before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO as the key file blocked")
    assert len(raised) == 1 and isinstance(raised[0], KeyProblem)
    assert "not a regular file" in str(raised[0])


def test_a_device_as_env_file_is_refused(httpserver: HTTPServer) -> None:
    env = base_env(httpserver.url_for("").rstrip("/"))
    done = sfdoctor(["check", "--env-file", "/dev/zero"], env)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == ExitStatus.USAGE, err
    assert "larger than" in err and "Traceback" not in err


def test_an_env_file_from_a_pipe_still_works(run, monkeypatch, httpserver: HTTPServer) -> None:
    """``--env-file <(op inject ...)``: process substitution hands a pipe; it is read."""
    org = Org(httpserver)
    clean_environment(monkeypatch)
    read, write = os.pipe()
    lines = (
        f"SF_LOGIN_URL={httpserver.url_for('').rstrip('/')}\nSF_USERNAME={USERNAME}\n"
        f"SF_PASSWORD={PASSWORD}\nSF_SECURITY_TOKEN={TOKEN}\nSF_CLIENT_ID={CLIENT_ID}\n"
        f"SF_CLIENT_SECRET={CLIENT_SECRET}\n"
    )
    os.write(write, lines.encode())
    os.close(write)
    try:
        r = run("check", "--format", "json", "--env-file", f"/dev/fd/{read}")
    finally:
        os.close(read)
    assert r.status == ExitStatus.OK, r.err
    assert org.logins == ["token", "no-token"]
