"""``amanst serve`` listens only on the computer itself unless sign-in is configured."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import uvicorn
from xlwings_server.config import settings

from addin.cli.main import main
from addin.cli.serve import is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "localhost", "LOCALHOST", "::1",
                                  "[::1]"])
def test_loopback_addresses(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5",
                                  "amanst.malmo.se", "localhost.angripare.example", ""])
def test_addresses_other_computers_can_reach(host):
    assert not is_loopback(host)


@pytest.fixture()
def started(monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    return calls


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "amanst.malmo.se"])
def test_without_sign_in_a_reachable_host_is_refused_in_swedish(host, started, monkeypatch,
                                                                capsys):
    monkeypatch.setattr(settings, "auth_providers", [])
    assert main(["serve", "--host", host]) == 2
    err = capsys.readouterr().err
    assert "inloggning" in err and "XLWINGS_AUTH_PROVIDERS" in err and "Traceback" not in err
    assert started == []


def test_without_sign_in_the_computer_itself_is_served(started, monkeypatch):
    monkeypatch.setattr(settings, "auth_providers", [])
    assert main(["serve"]) == 0
    assert started[0]["host"] == "127.0.0.1"


def test_with_sign_in_any_host_may_be_served(started, monkeypatch):
    monkeypatch.setattr(settings, "auth_providers", ["entraid"])
    assert main(["serve", "--host", "0.0.0.0", "--port", "8443"]) == 0
    assert started[0]["host"] == "0.0.0.0" and started[0]["port"] == 8443


def test_a_fresh_process_refuses_too(tmp_path):
    """As a developer runs it: no XLWINGS_* set, so xlwings Server reads ours (dev, no sign-in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "AMANST_"))}
    env.update(AMANST_STATE_DIR=str(tmp_path), DOTENV_PATH=str(tmp_path / "no.env"))
    done = subprocess.run([sys.executable, "-m", "addin", "serve", "--host", "0.0.0.0"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Servern startas inte på adressen 0.0.0.0" in done.stderr
