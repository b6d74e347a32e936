"""How numbers are written on the page: one place, so tests can format the core's values the same way."""

from __future__ import annotations

import math

__all__ = [
    "CERTAIN",
    "as_text",
    "count",
    "plain_probability",
    "probability",
    "scientific",
    "share",
    "short_probability",
]


def as_text(text: object) -> str:
    r"""``text`` (a name, a file name, a message quoting either) for Markdown, shown as it is.

    Every element that renders Markdown (``st.markdown``, ``st.caption``, ``st.success``,
    ``st.error``, ...) and shows something a user gave passes it through here: a file named
    ``[click](https://x).json`` shows as that text, not as a link; a line break or control
    character becomes a space (one line). The escaping itself is
    :func:`aliquant_app.widgets.markdown_text`, which the Markdown tables share.

    >>> print(as_text("[click](https://x).json"))
    \[click\]\(https\://x\)\.json
    """
    from .widgets import markdown_text  # widgets imports pyarrow: only when something is shown

    return markdown_text(str(text))


def scientific(x: float, digits: int = 2) -> str:
    """``x`` in compact scientific notation, e.g. ``3.1e-7``."""
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _power_of_ten(log10_x: float) -> str:
    """10^log10_x in scientific notation, for numbers far below the float range."""
    exponent = math.floor(log10_x)
    mantissa = 10.0 ** (log10_x - exponent)
    if round(mantissa, 1) >= 10.0:
        mantissa, exponent = mantissa / 10.0, exponent + 1
    return f"{mantissa:.1f}e{exponent}"


def probability(p: float, misalign: float | None = None, log10_misalign: float | None = None) -> str:
    """A probability for a headline.

    Percent with one decimal in the middle of the range; close to 1 the complement is written
    out (``1 − 3.1e-7``) from ``misalign`` = 1 − p, which the core keeps to full relative
    accuracy, or from ``log10_misalign`` where ``misalign`` underflows to 0; close to 0 scientific
    notation.

    >>> probability(0.9038711368606904)
    '90.4%'
    >>> probability(1 - 3.1e-7, 3.1e-7)
    '1 − 3.1e-7'
    >>> probability(2.5e-12)
    '2.5e-12'
    >>> probability(1.0, 0.0, -12657.5)
    '1 − 3.2e-12658'
    """
    if misalign is None:
        misalign = 1.0 - p
    if not math.isfinite(p):
        return "n/a"
    if p == 0.0:
        return "< 1e-308"
    if misalign == 0.0:
        if log10_misalign is not None and math.isfinite(log10_misalign):
            return f"1 − {_power_of_ten(log10_misalign)}"
        return "1"
    if p < 1e-3:
        return scientific(p)
    if misalign < 1e-4:
        return f"1 − {scientific(misalign)}"
    decimals = 2 if (p < 0.01 or misalign < 0.01) else 1
    return f"{100.0 * p:.{decimals}f}%"


def count(n: float) -> str:
    """A number of labels: exact below a million, then in words up to trillions, then scientific.

    >>> count(99_890.0)
    '99,890'
    >>> count(1_418_091.0)
    '1.42 million'
    >>> count(float("inf"))
    'unreachable'
    """
    if math.isinf(n):
        return "unreachable"
    if not math.isfinite(n):
        return "n/a"
    if n < 999_999.5:
        return f"{n:,.0f}"
    for scale, word in ((1e6, "million"), (1e9, "billion"), (1e12, "trillion")):
        if n < 999.5 * scale:
            return f"{n / scale:.3g} {word}"
    return scientific(n, 3)


def share(x: float, digits: int = 3) -> str:
    """A rate or share in [0, 1] with ``digits`` decimals, e.g. ``0.164``."""
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.{digits}f}"


#: Below this chance of failure a probability reads "practically certain" (it would show as
#: 100.0%), and below this chance of success "practically zero" (0.0%).
CERTAIN = 5e-4


def plain_probability(p: float, misalign: float | None = None) -> str:
    """A probability in words a funder reads: a percentage, or "practically certain"/"zero".

    ``misalign`` is 1 − p where the core keeps it more accurately than ``1 - p``.

    >>> plain_probability(0.9038)
    '90.4%'
    >>> plain_probability(1.0, 3.2e-14)
    'practically certain'
    >>> plain_probability(0.0)
    'practically zero'
    >>> plain_probability(0.9996, 4e-4)
    'practically certain'
    >>> plain_probability(0.0012)
    '0.1%'
    """
    if not math.isfinite(p):
        return "not defined"
    failure = 1.0 - p if misalign is None else misalign
    if failure < CERTAIN:
        return "practically certain"
    if p < CERTAIN:
        return "practically zero"
    return f"{100.0 * p:.1f}%"


def short_probability(p: float) -> str:
    """A probability in a few characters, for an interval's ends: whole percent, "≈0%" or "≈100%".

    >>> short_probability(0.0), short_probability(0.436), short_probability(0.99996)
    ('≈0%', '44%', '≈100%')
    """
    if not math.isfinite(p):
        return "n/a"
    if p < CERTAIN:
        return "≈0%"
    if 1.0 - p < CERTAIN:
        return "≈100%"
    return f"{100.0 * p:.0f}%"
