"""The settings: declared once, read in a documented order, documented by generation."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from addin import settings
from addin.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def test_the_generated_env_template_and_docs_table_are_up_to_date():
    env_text = settings.ENV_TEMPLATE.read_text(encoding="utf-8")
    docs_text = settings.DOCS.read_text(encoding="utf-8")
    assert (env_text, docs_text) == settings.generated(env_text, docs_text), (
        "kör python -m addin.settings och checka in resultatet")


def test_every_setting_is_in_the_docs_and_the_env_template_once():
    env_text = settings.ENV_TEMPLATE.read_text(encoding="utf-8")
    docs_text = settings.DOCS.read_text(encoding="utf-8")
    for name, _, meta in settings.declared():
        assert docs_text.count(f"`{meta['env']}`") == 1, meta["env"]
        assert len(re.findall(rf"^# {meta['env']}=", env_text, flags=re.M)) == 1, meta["env"]
        assert meta["help"] and name.islower()


def test_only_the_settings_module_reads_the_environment():
    found = subprocess.run(["grep", "-rn", "os.environ", "addin/", "--include=*.py"], cwd=ROOT,
                           capture_output=True, text=True).stdout.splitlines()
    assert {line.split(":", 1)[0] for line in found} == {"addin/settings.py"}


def test_defaults_then_file_then_environment_then_explicit(tmp_path):
    config = tmp_path / "amanst.toml"
    config.write_text('state_dir = "/var/lib/amanst"\nsmtp_port = 2525\nsmtp_host = "fil"\n',
                      encoding="utf-8")
    base = settings.load(environ={})
    assert base.smtp_port == 587 and base.smtp_host == "" and base.cert_pdf is True
    assert base.state_dir == Path("~/.local/state/amanst").expanduser()
    env = {"AMANST_CONFIG": str(config), "AMANST_SMTP_HOST": "miljö"}
    s = settings.load(environ=env)
    assert s.state_dir == Path("/var/lib/amanst") and s.smtp_port == 2525
    assert s.smtp_host == "miljö"  # the environment wins over the file
    assert settings.load(environ=env, smtp_host="flagga").smtp_host == "flagga"


@pytest.mark.parametrize("env, message", [
    ({"AMANST_SMTP_PORT": "femhundra"}, "AMANST_SMTP_PORT"),
    ({"AMANST_CERT_PDF": "kanske"}, "AMANST_CERT_PDF"),
    ({"AMANST_CONFIG": "/finns/inte.toml"}, "finns inte"),
])
def test_a_bad_setting_is_a_swedish_message(env, message):
    with pytest.raises(settings.SettingsError, match=message):
        settings.load(environ=env)


def test_an_unknown_key_in_the_file_is_refused(tmp_path):
    config = tmp_path / "amanst.toml"
    config.write_text('smtp_hots = "x"\n', encoding="utf-8")
    with pytest.raises(settings.SettingsError, match="smtp_hots"):
        settings.load(environ={"AMANST_CONFIG": str(config)})


def test_the_register_location_prefers_postgres_then_the_file_and_has_no_default():
    with pytest.raises(settings.SettingsError, match="Intygsregistret är inte inställt"):
        settings.load(environ={}).register_location()
    assert settings.load(environ={"AMANST_REGISTER": "/srv/r.sqlite3"}).register_location() == \
        "/srv/r.sqlite3"
    both = {"AMANST_REGISTER": "/srv/r.sqlite3", "AMANST_REGISTER_URL": "postgresql://h/db"}
    assert settings.load(environ=both).register_location() == "postgresql://h/db"


def test_serve_without_the_server_extra_names_the_extra(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "xlwings_server", None)  # import fails as if not installed
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert 'pip install "amanst[server]"' in err and "Traceback" not in err


def test_the_installation_prefixes_are_checked_and_exempel_is_reserved():
    assert settings.load(environ={"AMANST_INTYGSPREFIX": " asf, SOF "}).prefixes() == \
        ("ASF", "SOF")
    assert settings.load(environ={}).prefixes() == ()
    with pytest.raises(settings.SettingsError, match="EXEMPEL är reserverat för amanst demo"):
        settings.load(environ={"AMANST_INTYGSPREFIX": "ASF,EXEMPEL"}).prefixes()
    with pytest.raises(settings.SettingsError, match="'A-B'"):
        settings.load(environ={"AMANST_INTYGSPREFIX": "A-B"}).prefixes()
