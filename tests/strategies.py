"""Hypothesis strategies for the brief's quantities, each over its whole valid range.

Subnormal floats (below 2.2e-308) are left out: they carry too few significant bits for any
product such as σ/f to keep relative accuracy, in the core or anywhere else.
"""

from hypothesis import strategies as st

labels_small = st.integers(min_value=0, max_value=5000)
labels_any = st.one_of(
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=0.0, max_value=12.0).map(lambda e: float(round(10.0**e))),
)
error_rate = st.floats(min_value=0.0, max_value=0.5, allow_subnormal=False)
rate = st.floats(min_value=0.0, max_value=1.0, allow_subnormal=False)
footprint = st.floats(min_value=1e-6, max_value=1.0)
competitors_log10 = st.floats(min_value=0.0, max_value=300.0)
prior_bits = st.floats(min_value=0.0, max_value=1000.0)
target = st.floats(min_value=1e-6, max_value=1 - 1e-9)

assumptions = st.fixed_dictionaries(
    {
        "blind_spot": rate,
        "footprint": footprint,
        "exploitation": rate,
        "competitors_log10": competitors_log10,
        "prior_bits": prior_bits,
    }
)
