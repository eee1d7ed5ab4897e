"""Profiles, parameters and devices: bad input is a clear error that lists the valid names."""
import subprocess
import sys

import pytest

import paperlib
from paperlib.core.profiles import ProfileError, profile_names, resolve
from paperlib import setup


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
    (["run", "sb-fig02", "--param", "stpes=3"], "did you mean 'steps'"),
    (["run", "sb-c3", "--param", "steps=many"], "must be int like its default"),
])
def test_cli_errors_are_clear(args, message):
    proc = subprocess.run([sys.executable, "-m", "paperlib.build.cli", *args], capture_output=True, text=True)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_run_of_an_item_without_a_page_is_refused_before_any_kernel(monkeypatch):
    """Every catalogue item has a page now, so a missing page is simulated (the CLI turns the KeyError into exit 2)."""
    from paperlib.build import execute
    from paperlib.core.catalogue import Item

    monkeypatch.setattr(Item, "implemented", property(lambda self: False))
    with pytest.raises(KeyError, match="ce-tab03 is not yet implemented"):
        execute.run_items(["ce-tab03"], profile="smoke")


@pytest.mark.parametrize("default,text,value", [
    (1e-5, "1e30", 1e30), (0.1, "3", 3.0), (3, "7", 7), (True, "false", False), ([1.0, 2.0], "[1, 2.5]", [1, 2.5]),
    (["a"], "[b, c]", ["b", "c"]), ("mnist", "emnist", "emnist")])
def test_param_strings_take_the_type_of_their_default(default, text, value):
    """The landed CLI read `--param lr_gen=1e30` as the string '1e30' (YAML 1.1) and rejected it."""
    from paperlib.core.profiles import parse_value
    got = parse_value("k", text, default)
    assert got == value and type(got) is type(value)


def test_unparsable_param_is_a_clear_error():
    from paperlib.core.profiles import parse_value
    with pytest.raises(ProfileError, match="must be int like its default 3, got 'three'"):
        parse_value("steps", "three", 3)


def test_param_of_no_page_lists_valid_names_and_the_nearest():
    from paperlib.build.execute import run_items
    with pytest.raises(ProfileError) as err:
        run_items(["sb-fig02"], profile="smoke", params={"stpes": "3"})
    msg = str(err.value)
    assert "did you mean 'steps'" in msg and "eta" in msg and "va_steps" in msg


def test_param_that_no_item_takes_lists_the_valid_names():
    from paperlib.build.execute import run_items
    with pytest.raises(ProfileError, match="'slope'.*their parameters: .*"):
        run_items(["gebm-fenchel"], profile="smoke", params={"slope": "1"})


def test_settings_reject_unknown_keys_and_follow_one_precedence():
    from paperlib.core.settings import for_dataset
    from paperlib.methods import stein_bridging as sb
    s = for_dataset(sb.TrainSettings, "two_spiral", sb.DATASET_SETTINGS,
                    {"gp_weight": 5.0, "iterations": 10, "iterations_two_spiral": 20, "iterations_two_circle": 30})
    assert s.gp_weight == 5.0 and s.iterations == 20          # page beats the code's per-dataset value
    assert for_dataset(sb.TrainSettings, "two_spiral", sb.DATASET_SETTINGS, {}).gp_weight == 100.0
    with pytest.raises(ProfileError, match=r"unknown setting\(s\) 'lr_gne' \(did you mean 'lr_gen'\?\)"):
        for_dataset(sb.TrainSettings, "two_spiral", sb.DATASET_SETTINGS, {"lr_gne": 1.0})


def test_any_param_makes_a_page_stale(tmp_path):
    import json
    from paperlib.build.execute import EXECUTOR, is_stale
    from paperlib.core.cache import code_version
    from paperlib.core.catalogue import item as lookup
    it = lookup("sb-c3")
    (tmp_path / "book" / it.chapter).mkdir(parents=True)
    (tmp_path / "book" / it.chapter / f"{it.stem}.ipynb").write_text("{}")
    from paperlib.build.execute import sha256_file
    rec = {"config": {"profile": "cpu", "seed": 0}, "code_version": code_version(), "executed_by": EXECUTOR,
           "run": {"notebook_sha": sha256_file(it.notebook), "parameters": {"profile": "cpu", "seed": 0,
                                                                           "device": "auto", "steps": 10}}}
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / f"{it.stem}.json").write_text(json.dumps(rec))
    book, res = tmp_path / "book", tmp_path / "results"
    assert is_stale(it, "cpu", 0, book, res)                       # made with --param steps=10, asked without
    assert not is_stale(it, "cpu", 0, book, res, params={"steps": 10})
    assert is_stale(it, "cpu", 0, book, res, params={"steps": 11})
