"""Profiles, parameters and devices: bad input is a clear error that lists the valid names."""
import subprocess
import sys

import pytest

import paperlib
from paperlib.core.profiles import ProfileError, profile_names, resolve
from paperlib.core.runtime import setup


def test_default_profile_is_cpu_and_profiles_are_the_three():
    assert profile_names() == ("smoke", "cpu", "paper")
    assert resolve("sb-fig02").profile == "cpu"


def test_unknown_profile_lists_valid_names():
    with pytest.raises(ProfileError, match=r"unknown profile 'fast'.*smoke, cpu, paper"):
        resolve("sb-fig02", "fast")


def test_unknown_override_lists_valid_parameters_and_suggests():
    with pytest.raises(ProfileError, match=r"'stpes'.*did you mean 'steps'.*valid parameters: .*eta"):
        resolve("sb-fig02", "smoke", stpes=10)


def test_override_type_is_checked_and_applied():
    assert resolve("sb-c3", "smoke", steps=10).steps == 10
    with pytest.raises(ProfileError, match="must be int"):
        resolve("sb-c3", "smoke", steps="ten")


def test_profile_block_overrides_common():
    assert resolve("sb-c3", "smoke").steps < resolve("sb-c3", "cpu").steps


def test_unknown_item_and_device():
    with pytest.raises(KeyError, match="Did you mean sb-fig02"):
        paperlib.item("sb-fig2")
    with pytest.raises(ProfileError, match="unknown device 'gpu'"):
        resolve("sb-fig02", "smoke", device="gpu")


def test_notebook_namespace_with_misspelt_parameter_is_rejected():
    ns = {"profile": "smoke", "seed": 1, "device": "cpu", "profle": "smoke", "np": sys}
    with pytest.raises(ProfileError, match=r"'profle'.*did you mean 'profile'"):
        setup("sb-fig02", ns)


def test_setup_returns_seeded_config(capsys):
    cfg = setup("sb-fig02", {"profile": "smoke", "seed": 3, "device": "cpu", "steps": 50})
    assert (cfg.profile, cfg.seed, cfg.steps) == ("smoke", 3, 50)
    assert "profile=smoke seed=3 device=cpu" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["run", "sb-fig02", "--profile", "fast"], "unknown profile 'fast'"),
    (["run", "sb-fig2"], "unknown item id 'sb-fig2'"),
    (["run", "sb-tab02"], "not yet implemented"),
    (["run", "sb-fig02", "--param", "stpes=3"], "belong to none"),
])
def test_cli_errors_are_clear(args, message):
    proc = subprocess.run([sys.executable, "-m", "paperlib.build.cli", *args], capture_output=True, text=True)
    assert proc.returncode == 2
    assert message in proc.stderr
