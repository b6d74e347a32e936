"""Fuzz families of issue #15 (points 1 to 3), with counts tried and failed, for its closing note.

Not a test module (pytest collects ``test_*.py``): the properties counted here are the ones
``tests/test_hardening.py`` and ``tests/test_table_consumers.py`` check, run with more examples.
From the repository root::

    python -m tests.fuzz_hardening [CLI examples per subcommand, default 40] [hostile names, default 100]

Each family prints how many inputs it tried and how many failed (with the first few failures).
"""

from __future__ import annotations

import json
import math
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aliquant_app.formatting import as_text
from aliquant_core.cli import _SETTINGS, printable
from aliquant_core.quantities import QUANTITIES, QuantityError, check
from aliquant_core.scenario import ScenarioError, scenario_from_dict, scenario_from_json

from .strategies import ends, extreme
from .test_hardening import BASE_SOURCE, ELSEWHERE, HOSTILE, _flags, bad_values, holders, unshown
from .test_table_consumers import (
    CLI_CASES,
    QUICK,
    SCENARIO_CASES,
    SETTING_CASES,
    SUBCOMMANDS,
    answers_or_refuses,
    document,
    text,
)

#: Markdown's special characters, as aliquant_app.widgets.markdown_text escapes them.
_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$&")

#: family → [tried, failed, first failures]
COUNTS: dict[str, list] = {}


def attempt(family: str, check_one: Callable[[], None], shown: str) -> None:
    """Run one input's check and count it under ``family``."""
    tally = COUNTS.setdefault(family, [0, 0, []])
    tally[0] += 1
    try:
        check_one()
    except Exception as error:  # every failure is counted and shown, whatever it is
        tally[1] += 1
        tally[2].append(f"{shown}: {type(error).__name__} {str(error)[:120]}")


def refused(build: Callable[[], object], error: type[Exception]) -> Callable[[], None]:
    """A check that ``build()`` raises ``error`` (and nothing else)."""

    def check_one() -> None:
        try:
            build()
        except error:
            return
        raise AssertionError("accepted")

    return check_one


def cli_ends() -> None:
    for sub, name in CLI_CASES:
        for end in ends(name):
            for form in ((), ("--json",)):
                argv = (sub, f"{QUANTITIES[name].flag}={text(end)}", *QUICK.get(sub, ()), *form)
                attempt(
                    "1 CLI: each flag at each end, text and JSON",
                    lambda a=argv: answers_or_refuses(*a),
                    " ".join(argv),
                )
    for sub, name, end in SETTING_CASES:
        kinds = ((), ("--kind=cost-law", "--gamma=10"), ("--kind=redundancy",)) if sub == "curve" else ((),)
        for kind in kinds:
            argv = (sub, *kind, f"{_SETTINGS[name].flag}={text(end)}", *QUICK.get(sub, ()), "--json")
            attempt(
                "1 CLI: each setting at each end (curve: 3 kinds)",
                lambda a=argv: answers_or_refuses(*a),
                " ".join(argv),
            )


def cli_mixes(examples: int) -> None:
    for sub in sorted(sub for sub in SUBCOMMANDS if _flags(sub)):  # estimate reads a file instead
        _cli_mix(sub, examples)


def _cli_mix(sub: str, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        names = data.draw(st.lists(st.sampled_from(_flags(sub)), unique=True, max_size=6))
        argv = [sub, *QUICK.get(sub, ())]
        argv += [f"{QUANTITIES[n].flag}={text(data.draw(extreme(n)))}" for n in names]
        if data.draw(st.booleans()):
            argv.append("--json")
        family = "1 CLI: hypothesis, up to 6 flags at ends or inside, per subcommand"
        attempt(family, lambda: answers_or_refuses(*argv), " ".join(argv))

    run()


def api_and_files() -> None:
    for name in QUANTITIES:
        for value in bad_values(name):
            for holder, build in holders(name).items():
                if (holder, type(value).__name__) not in ELSEWHERE:
                    family = "2 Python API: bad value per quantity per constructor and check()"
                    attempt(family, refused(lambda b=build, v=value: b(v), QuantityError), f"{holder} {name}")
            if not isinstance(value, list):
                family = "2 Python API: bad value per quantity per constructor and check()"
                attempt(family, refused(lambda n=name, v=value: check(n, v), QuantityError), f"check {name}")
    for place, name in SCENARIO_CASES:
        for value in bad_values(name):
            doc = document(place, name, value)
            if isinstance(value, float) and not math.isfinite(value):
                build = lambda d=doc: scenario_from_json(json.dumps(d))  # noqa: E731
            else:
                build = lambda d=doc: scenario_from_dict(d)  # noqa: E731
            family = "2 scenario file: bad value per field (dict, or JSON text for NaN/Infinity)"
            attempt(family, refused(build, ScenarioError), f"{place}.{name}={value!r:.30}")


def hostile_names(examples: int, folder: Path) -> None:
    path = folder / "hostile.json"

    # Names without "None": answers_or_refuses reads "None" in the output as a null written as text,
    # which a user's own name "None" would look like (hypothesis found it).
    names = st.text(min_size=1, max_size=20).filter(lambda text: "None" not in text)

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(name=st.one_of(st.sampled_from(HOSTILE), names), as_json=st.booleans())
    def run(name, as_json):
        doc = {
            "aliquant_scenario": 1,
            "sources": [{**BASE_SOURCE, "name": name}],
            "programmes": [{"name": name, "allocations": [{"source": name, "labels": 100}]}],
        }
        path.write_text(json.dumps(doc))

        def check_one():
            _, out, err = answers_or_refuses("evaluate", "--scenario", str(path), *(["--json"] * as_json))
            assert unshown(out) == [], out
            assert unshown(err) == [], err

        attempt("3 CLI: hostile names in a scenario (evaluate, text and JSON)", check_one, repr(name))

    run()


def helpers() -> None:
    @settings(max_examples=2000, deadline=None, database=None)
    @given(t=st.text())
    def terminal(t):
        def check_one():
            assert unshown(printable(t)) == [], repr(t)

        attempt("3 printable(): any text, no character a terminal acts on", check_one, repr(t))

    @settings(max_examples=2000, deadline=None, database=None)
    @given(t=st.text())
    def markdown(t):
        def check_one():
            shown = as_text(t)
            assert "\n" not in shown and "\r" not in shown, shown  # noqa: PT018
            assert not set(re.sub(r"\\.", "", shown)) & _SPECIAL, shown  # every special one escaped

        attempt("3 as_text(): any text, no Markdown special character unescaped", check_one, repr(t))

    terminal()
    markdown()


def main(cli_examples: int = 40, hostile_examples: int = 100) -> int:
    """Run every family and print the table; 1 if any input failed."""
    cli_ends()
    cli_mixes(cli_examples)
    api_and_files()
    with tempfile.TemporaryDirectory() as folder:
        hostile_names(hostile_examples, Path(folder))
    helpers()
    print(f"{'family':<78} {'tried':>6} {'failed':>6}")
    for family, (tried, failed, shown) in COUNTS.items():
        print(f"{family:<78} {tried:>6} {failed:>6}")
        for line in shown[:5]:
            print("    " + line)
    return int(any(failed for _, failed, _ in COUNTS.values()))


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
