"""Settings.resolve: data mode, snapshot and store from arguments, environment and defaults."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from smallcaps import config
from smallcaps.config import MODES, Settings
from smallcaps.errors import ParameterError

from conftest import ROOT

ENV = ("SMALLCAPS_OFFLINE", "SMALLCAPS_MODE", "SMALLCAPS_SNAPSHOT", "SMALLCAPS_STORE", "SMALLCAPS_UNVERIFIED_SNAPSHOT")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# -- mode ------------------------------------------------------------------------------------------


def test_default_mode_is_auto(clean_env):
    assert Settings.resolve().mode == "auto"


@pytest.mark.parametrize("mode", MODES)
def test_mode_from_argument(clean_env, mode):
    assert Settings.resolve(mode=mode).mode == mode


def test_mode_argument_is_trimmed_and_case_insensitive(clean_env):
    assert Settings.resolve(mode=" Refresh ").mode == "refresh"


def test_mode_from_environment_and_argument_wins(clean_env):
    clean_env.setenv("SMALLCAPS_MODE", "refresh")
    assert Settings.resolve().mode == "refresh"
    assert Settings.resolve(mode="offline").mode == "offline"
    assert Settings.resolve(mode="").mode == "refresh"  # an empty argument is no argument


@pytest.mark.parametrize("flag", ["1", "true", "YES", "on"])
def test_offline_flag_forces_offline_over_smallcaps_mode(clean_env, flag):
    clean_env.setenv("SMALLCAPS_OFFLINE", flag)
    clean_env.setenv("SMALLCAPS_MODE", "auto")
    assert Settings.resolve().mode == "offline"
    assert Settings.resolve(mode="offline").mode == "offline"


@pytest.mark.parametrize("flag", ["0", "false", ""])
def test_offline_flag_off(clean_env, flag):
    clean_env.setenv("SMALLCAPS_OFFLINE", flag)
    assert Settings.resolve().mode == "auto"
    assert Settings.resolve(mode="refresh").mode == "refresh"


@pytest.mark.parametrize("mode", ["auto", "refresh", "AUTO"])
def test_offline_flag_makes_an_explicit_network_mode_an_error(clean_env, mode):
    clean_env.setenv("SMALLCAPS_OFFLINE", "1")
    with pytest.raises(ParameterError) as info:
        Settings.resolve(mode=mode)
    assert str(info.value) == (f"mode={mode.lower()!r} needs the network but SMALLCAPS_OFFLINE=1 is set; "
                               "valid here: offline")


@pytest.mark.parametrize("mode", ["online", "live", "OFF"])
def test_unknown_mode_lists_valid_modes(clean_env, mode):
    with pytest.raises(ParameterError) as info:
        Settings.resolve(mode=mode)
    assert str(info.value) == f"mode={mode.lower()!r} is not a data mode; valid: offline, auto, refresh"


def test_unknown_mode_from_environment(clean_env):
    clean_env.setenv("SMALLCAPS_MODE", "cloud")
    with pytest.raises(ParameterError, match=r"mode='cloud' is not a data mode; valid: offline, auto, refresh"):
        Settings.resolve()


# -- snapshot --------------------------------------------------------------------------------------


def test_default_snapshot_is_the_reference_snapshot_beside_the_checkout(clean_env):
    beside = (ROOT.parent / "shared" / "data").resolve()
    expected = beside if beside.is_dir() else None  # a clone elsewhere has none unless one is pulled there
    assert config.reference_snapshot() == expected
    assert Settings.resolve().snapshot == expected


def test_no_default_snapshot_without_shared_data(clean_env, tmp_path, monkeypatch):
    checkout = tmp_path / "clone"
    (checkout / "lib").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    monkeypatch.setattr(config, "project_root", lambda: checkout)
    assert config.reference_snapshot() is None
    assert Settings.resolve().snapshot is None
    (tmp_path / "shared" / "data").mkdir(parents=True)
    assert config.reference_snapshot() == (tmp_path / "shared" / "data").resolve()


@pytest.mark.parametrize("value", ["none", "None", "NONE"])
def test_snapshot_none(clean_env, value):
    assert Settings.resolve(snapshot=value).snapshot is None
    clean_env.setenv("SMALLCAPS_SNAPSHOT", value)
    assert Settings.resolve().snapshot is None


def test_snapshot_from_environment_and_argument(clean_env, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    clean_env.setenv("SMALLCAPS_SNAPSHOT", str(a))
    assert Settings.resolve().snapshot == a.resolve()
    assert Settings.resolve(snapshot=b).snapshot == b.resolve()
    assert Settings.resolve(snapshot="none").snapshot is None


def test_relative_snapshot_is_made_absolute(clean_env, tmp_path):
    (tmp_path / "snap").mkdir()
    clean_env.chdir(tmp_path)
    s = Settings.resolve(snapshot="snap").snapshot
    assert s == (tmp_path / "snap").resolve() and s.is_absolute()


def test_snapshot_that_is_a_file_is_a_parameter_error(clean_env, tmp_path):
    f = tmp_path / "MANIFEST.tsv"
    f.write_text("path\tsha256\n")
    with pytest.raises(ParameterError) as info:
        Settings.resolve(snapshot=f)
    assert str(info.value) == f"snapshot={f} is not a directory; give a folder laid out like shared/data"


def test_missing_snapshot_from_environment_is_a_parameter_error(clean_env, tmp_path):
    clean_env.setenv("SMALLCAPS_SNAPSHOT", str(tmp_path / "nowhere"))
    with pytest.raises(ParameterError, match=r"^snapshot=.*nowhere is not a directory"):
        Settings.resolve()


# -- store -----------------------------------------------------------------------------------------


def test_default_store_is_under_the_checkout(clean_env):
    assert config.project_root() == ROOT
    assert Settings.resolve().store == ROOT / ".store"


def test_store_from_environment_and_argument(clean_env, tmp_path):
    clean_env.setenv("SMALLCAPS_STORE", str(tmp_path / "env-store"))
    assert Settings.resolve().store == (tmp_path / "env-store").resolve()
    assert Settings.resolve(store=tmp_path / "arg-store").store == (tmp_path / "arg-store").resolve()
    assert not (tmp_path / "env-store").exists()  # resolving never creates the store


def test_store_expands_the_home_folder(clean_env, tmp_path):
    clean_env.setenv("HOME", str(tmp_path))
    assert Settings.resolve(store="~/st").store == (tmp_path / "st").resolve()


def test_settings_are_frozen(clean_env):
    s = Settings.resolve(mode="offline", snapshot="none", store="/tmp/x")
    assert s == Settings(mode="offline", snapshot=None, store=Path("/tmp/x"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.mode = "auto"


# -- the network is an explicit choice; unverified snapshots are opt-in ----------------------------


@pytest.mark.parametrize("mode, snapshot, may", [
    ("offline", "none", False),
    ("offline", "SNAP", False),
    ("auto", "SNAP", False),  # a selected snapshot is the data: what it lacks is an error, not a download
    ("auto", "none", True),
    ("refresh", "SNAP", True),
    ("refresh", "none", True),
])
def test_network_only_in_refresh_or_auto_without_a_snapshot(clean_env, tmp_path, mode, snapshot, may):
    snap = str(tmp_path) if snapshot == "SNAP" else snapshot
    assert Settings.resolve(mode=mode, snapshot=snap).may_fetch is may


def test_unverified_snapshot_opt_in_from_argument_or_environment(clean_env, tmp_path):
    assert Settings.resolve(snapshot=str(tmp_path)).unverified_snapshot is False
    with pytest.raises(ParameterError, match=rf"^snapshot={tmp_path} has no MANIFEST\.tsv, so its files cannot be "
                                             r"verified; .*--unverified-snapshot \(SMALLCAPS_UNVERIFIED_SNAPSHOT=1\)$"):
        Settings.resolve(snapshot=str(tmp_path)).check_snapshot()
    Settings.resolve(snapshot=str(tmp_path), unverified_snapshot=True).check_snapshot()
    clean_env.setenv("SMALLCAPS_UNVERIFIED_SNAPSHOT", "1")
    assert Settings.resolve(snapshot=str(tmp_path)).unverified_snapshot is True
    Settings.resolve(snapshot=str(tmp_path)).check_snapshot()
    assert Settings.resolve(snapshot=str(tmp_path), unverified_snapshot=False).unverified_snapshot is False
    (tmp_path / "MANIFEST.tsv").write_text("path\tsha256\n")
    clean_env.setenv("SMALLCAPS_UNVERIFIED_SNAPSHOT", "0")
    Settings.resolve(snapshot=str(tmp_path)).check_snapshot()  # a manifest: nothing to opt in to
    Settings.resolve(snapshot="none").check_snapshot()


