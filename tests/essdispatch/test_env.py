from __future__ import annotations

import pytest

from essdispatch.env import ConfigError, env_bool, env_int, env_list, env_url


def test_env_bool_reads_common_spellings() -> None:
    assert env_bool("X", False, {"X": "yes"}) is True
    assert env_bool("X", True, {"X": "0"}) is False
    assert env_bool("X", True, {}) is True


def test_env_bool_rejects_nonsense_with_the_variable_name() -> None:
    with pytest.raises(ConfigError, match="DEBUG must be a boolean"):
        env_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_env_int_rejects_non_numbers_and_values_below_minimum() -> None:
    assert env_int("N", 5, {"N": " 42 "}) == 42
    assert env_int("N", 5, {"N": ""}) == 5
    with pytest.raises(ConfigError, match="N must be a whole number"):
        env_int("N", 5, {"N": "3.5"})
    with pytest.raises(ConfigError, match="at least 10"):
        env_int("N", 5, {"N": "3"}, minimum=10)


def test_env_list_splits_and_trims() -> None:
    assert env_list("H", ["a"], {"H": " x.th, ,y.th "}) == ["x.th", "y.th"]
    assert env_list("H", ["a"], {}) == ["a"]


def test_env_url_checks_the_scheme() -> None:
    assert env_url("R", "", ("redis",), {"R": "redis://h:1/0"}) == "redis://h:1/0"
    assert env_url("R", "", ("redis",), {}) == ""
    with pytest.raises(ConfigError, match="R must start with one of redis://"):
        env_url("R", "", ("redis",), {"R": "http://h"})
