"""Method: the model in formulas, its assumptions and omissions, and where every number comes from."""

from __future__ import annotations

import streamlit as st

from aliquant_app import compare, overview_view, state
from aliquant_app.formatting import count
from aliquant_app.layout import header
from aliquant_app.widgets import one_line
from aliquant_core import PRESETS, QUANTITIES, anchors, error_rate_from_agreement
from aliquant_core.quantities import MODEL_GROUPS, Quantity, names_in
from aliquant_core.simulate import RESOLUTION

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)

st.markdown(
    "The explorer asks one question of a labelling programme: **does its data favour the aligned "
    "policy over every unaligned policy that training could select?** That is outer alignment on the "
    "training distribution. Labels are human comparisons between two behaviours. Random errors average "
    "out with more labels; systematic errors, situations in which evaluators are reliably fooled, do "
    "not, and a capable policy can steer its behaviour into them. Everything below follows the "
    "project's model brief; the numbers are computed by the `aliquant_core` package, which this page "
    "only describes."
)

formulas, words = st.columns([1, 1], gap="large")
with formulas:
    st.markdown("#### The model, one labelling source")
    st.markdown(
        "A competitor acts differently from the aligned policy in a share $f$ of situations (its "
        "footprint); labels elsewhere say nothing about it. Labelers are fooled in a share $\\sigma$ "
        "of situations (blind spots), and a competitor with exploitation $\\chi$ puts its "
        "differences there. The share of its footprint that lies in blind spots is"
    )
    st.latex(r"h = \sigma + \chi\,\bigl(\min(1, \sigma/f) - \sigma\bigr).")
    st.markdown(
        "An ordinary label errs with chance $\\varepsilon$; in a blind spot a label prefers the worse "
        "behaviour with chance $\\varphi$, the fooled rate, an assumption of its own. An informative "
        "label prefers the aligned behaviour with chance"
    )
    st.latex(r"q = (1 - h)(1 - \varepsilon) + h\,(1 - \varphi),")
    st.markdown("so that")
    st.latex(r"q - \tfrac12 = (\tfrac12 - \varepsilon) - h\,(\varphi - \varepsilon).")
    st.markdown(
        "At a fixed $\\varphi$ more random error never raises $q$. The first version tied "
        "$\\varphi = 1 - \\varepsilon$ (a fooled labeler right only by erring), which gives "
        "$q - \\frac12 = (\\frac12 - \\varepsilon)(1 - 2h)$ and made noisier labelers *help* once "
        "$h > \\frac12$ (issue #17: at $h = 0.543$, $P_1$ rose from $5.6 \\times 10^{-10}$ at "
        "$\\varepsilon = 0$ to 0.27 at $\\varepsilon = 0.45$); $\\varphi = 1 - \\varepsilon$ still "
        "reproduces its figures (tests/test_first_version.py). The default $\\varphi$ is $1 - "
        "\\varepsilon$ at the default $\\varepsilon$, so the default single-source figures are "
        "unchanged; sources of another $\\varepsilon$ change (the cheapest programme at the "
        "defaults was 8,250 expert labels, \\$41,250; at the default $\\varphi$ it is 7,730, "
        "\\$38,650). No published figure measures $\\varphi$."
    )
    st.markdown("Of $N$ labels, the informative ones against one competitor number")
    st.latex(r"m = \operatorname{round}(f N) \quad\text{(halves rounded up)}.")
    st.markdown(
        "The data favour the aligned policy over that competitor when most informative labels do, "
        "ties counting half. With $W \\sim \\operatorname{Binomial}(m, q)$,"
    )
    st.latex(
        r"P_1 = P(W > m/2) + \tfrac12 P(W = m/2) = I_q(a, a), \quad a = \lceil m/2 \rceil, "
        r"\qquad P_1 = \tfrac12 \text{ at } m = 0,"
    )
    st.markdown(
        "where $I$ is the regularised incomplete beta function (an even jury with coin-flip ties does "
        "exactly as well as the odd jury one smaller). Priors and unlabelled data worth $b$ bits rule "
        "out most of the $K$ competitors:"
    )
    st.latex(r"K_\text{eff} = \max\bigl(1,\; 10^{\log_{10} K}\, 2^{-b}\bigr).")
    st.markdown(
        "**One dataset judges every competitor.** Each event \"competitor $k$ loses\" grows with "
        "the labels' correctness, so by the Harris–FKG inequality the events are positively "
        "correlated and the truth under the model's own process lies in a range: from the "
        "contests treated as independent (the headline) up to one contest for all, with "
        "Bonferroni's bound, true under any dependence, below both:"
    )
    st.latex(
        r"\max\bigl(0,\; 1 - K_\text{eff}(1 - P_1)\bigr) \;\le\; P_1^{K_\text{eff}} "
        r"\;\le\; P_\text{align} \;\le\; P_1."
    )
    st.markdown(
        "Where it lies depends on the **overlap** $\\rho$, the share of a competitor's informative "
        "labels that every competitor shares. With $m_c = \\operatorname{round}(\\rho m)$ common "
        "labels, $J \\sim \\operatorname{Binomial}(m_c, q)$ of them won, and each competitor's "
        "own $m - m_c$ labels independent given $J$:"
    )
    st.latex(
        r"P_\text{align}(\rho) = \sum_{j=0}^{m_c} P(J = j)\, P_p(j)^{K_\text{eff}},"
    )
    st.markdown(
        "$P_p(j)$ being the chance that a competitor's own labels, with $2j - m_c$ already won on the "
        "common ones, leave it losing (a tie is its own coin flip). $\\rho = 0$ gives the headline "
        "$P_1^{K_\\text{eff}}$. Footprints placed at random, $hf$ of each inside blind spots, share "
        "$\\rho = f\\,(h^2/\\sigma + (1 - h)^2/(1 - \\sigma))$ of their labels "
        f"({QUANTITIES['overlap'].default:g} at the defaults; "
        "the sidebar shows it for the current settings). The sum is exact where it has up to "
        "50,001 terms that matter and a fine Riemann sum beyond (relative error measured under "
        "1e-8); it agrees with direct summation in mpmath and with a label-by-label simulation at "
        "K = 2, 10 and 100, in which both a 10% error and, from K = 10, the independent figure fall "
        "outside the simulation's 99.9% interval. Against a simulation that places footprints at "
        "random (no labels common to all, only pairwise overlaps; `benchmarks/bench_shared_dataset.py`, "
        "figures in docs/benchmarks.md): without blind spots the two agree (0.400 ± 0.015 simulated "
        "against 0.402 at K = 20); with blind spots random placement gives more (0.467 ± 0.016 "
        "against 0.412 at K = 10, 0.066 ± 0.008 against 0.057 at K = 100), because the few blind "
        "situations are a factor every competitor shares. The shared figure is conservative there."
    )
    st.markdown(
        "Agreement $a$ between two labelers who err independently at rate $\\varepsilon$ is "
        "$(1 - \\varepsilon)^2 + \\varepsilon^2$, so an agreement input becomes"
    )
    st.latex(r"\varepsilon = \frac{1 - \sqrt{2a - 1}}{2}.")

with words:
    st.markdown("#### Three regimes")
    st.markdown(
        "- **$q > \\frac12$, quantity can fix this.** $P_1 \\to 1$ as $N$ grows (Condorcet's jury "
        "theorem), so enough labels reach any target; the labels required grow with the log of "
        "$K_\\text{eff}$ and roughly like $(q - \\frac12)^{-2}$.\n"
        "- **$q < \\frac12$, no quantity suffices.** Since "
        "$q - \\frac12 = (\\frac12 - \\varepsilon) - h(\\varphi - \\varepsilon)$, this happens "
        "exactly when the blind share exceeds $h^* = (\\frac12 - \\varepsilon)/(\\varphi - "
        "\\varepsilon)$ (for $\\varphi > \\varepsilon$; $h^* = \\frac12$ when $\\varphi = 1 - "
        "\\varepsilon$, as at the defaults). Then $P_1 \\to 0$: more data of this quality makes "
        "things worse.\n"
        "- **$q = \\frac12$, knife-edge.** Labels are coin flips on balance "
        "($h = h^*$, e.g. $\\varepsilon = \\varphi = \\frac12$) and "
        "$P_\\text{align} = (\\frac12)^{K_\\text{eff}}$ at every $N$."
    )
    st.markdown("#### Competitor classes")
    st.markdown(
        "The $K$ competitors need not be alike. A class $c$ has its own count $\\log_{10} K_c$, "
        "footprint $f_c$ and exploitation $\\chi_c$; label quality, the blind spot, the fooled rate "
        "and the prior bits are shared (the prior bits rule out the same share $2^{-b}$ of every "
        "class). Per class, $h_c$, $q_c$, $m_c = \\operatorname{round}(f_c N)$, $P_{1,c}$ and "
        "$K_{\\text{eff},c} = \\max(1, K_c 2^{-b})$ follow the one-class formulas, and with "
        "independent contests $P_\\text{align} = \\prod_c P_{1,c}^{K_{\\text{eff},c}}$, computed in "
        "log space as $\\exp(-\\sum_c e^{\\ln K_{\\text{eff},c} + \\ln(-\\ln P_{1,c})})$. One "
        "dataset judges every competitor of every class, so by Harris–FKG the truth lies between "
        "this product and $\\min_c P_{1,c}$; the Bonferroni bound "
        "$\\max(0, 1 - \\sum_c K_{\\text{eff},c}(1 - P_{1,c}))$ holds under any dependence. The "
        "class that *binds* is the one with the largest $K_{\\text{eff},c}(-\\ln P_{1,c})$, the "
        "largest share of $-\\ln P_\\text{align}$; the Overview's answer explains that class. If "
        "any class has $q_c < \\frac12$, no quantity suffices. The *targeted few* preset ($10^2$ "
        "competitors whose footprint is the blind spot, exploitation 1) differ from the aligned "
        "policy only where labelers are fooled ($h = 1$, $q = 1 - \\varphi$): at the defaults they "
        "make every target unreachable, whatever the $10^{20}$ benign competitors do. The sidebar's "
        "threat is the first class; one class is exactly the one-class model. The Overview, Over "
        "time and Uncertainty pages use every class; the Map and Programmes pages the sidebar's."
    )
    st.markdown("#### The Overview's answer and its most fragile assumption")
    st.markdown(
        "The paragraph at the top of the Overview is generated from the numbers on the page: "
        "$P_\\text{align}$ (as a percentage, or *practically certain* / *practically zero* when it "
        "would print as 100.0% or 0.0%; the exact value is in the metric's help), the labels "
        "`required_labels` gives for $P^*$ and their cost at the page's pricing source, and why: the "
        "chance a label on a competitor's footprint favours the competitor, "
        "$1 - q = (1 - h)\\varepsilon + h\\varphi$, split into its random-error and blind-spot terms "
        "(rounded so that they add up as printed).\n\n"
        "The regime is the sign of $q - \\frac12$, and each of $\\varepsilon$, $\\varphi$, $\\sigma$, "
        "$f$ and $\\chi$ moves it monotonically, so each has at most one value, the others held, at "
        "which it flips (`aliquant_core.regime_flips`). The answer names the flip nearest the current "
        "value on the log-odds scale, where 3% to 3.75% is as large a step as 50% to 55.6%. No "
        "published figure constrains $\\sigma$, $f$, $\\chi$ or $\\varphi$ (see the table below), so a "
        "nearby flip says how much the answer rests on a judgement. The number of competitors never "
        "flips the regime; it moves the labels required (see the tolerances and the Uncertainty page)."
    )
    st.markdown("#### Assumptions")
    st.markdown(
        "- Labels are independent given the situation; errors are symmetric (a label is wrong with "
        "the same chance whichever behaviour is better).\n"
        "- Every competitor has the same footprint $f$ and exploitation $\\chi$. Blind spots are a "
        "fixed share $\\sigma$ of situations, the same for every label, and $\\chi$ sets how much of "
        "its footprint a competitor moves into them.\n"
        "- The learner is counting: the data favour whichever policy wins more informative "
        "comparisons. A fitted reward model is a different learner; the simulation check fits a "
        "Bradley–Terry model at the same redundancy. It is told which comparisons are blind spots, "
        "so it tests averaging log-odds against counting votes, not generalisation.\n"
        f"- The simulation check gives a verdict only where its interval is narrower than the change "
        f"a {RESOLUTION:.0%} error in 1 − P₁ would make. Otherwise it says it cannot resolve, as at the "
        "default programme, where P_align's interval is [0, 1], and checks at a nearby point with "
        "P₁ ≈ 0.9 and a few competitors.\n"
        "- $P_1^{K_\\text{eff}}$ treats competitors' contests as independent. One dataset judges "
        "them all, so it is a lower bound, not a point estimate; the overlap figure and the range up "
        "to $P_1$ are shown beside it, and the Bonferroni bound holds however they are correlated.\n"
        "- Prior bits remove competitors uniformly: $b$ bits leave $K\\,2^{-b}$ of them, never fewer "
        "than one.\n"
        "- Agreement is converted as if labelers erred independently at one rate. In this model "
        "blind spots change agreement only through the fooled rate: inside one each labeler's vote "
        "is still independent (wrong with chance $\\varphi$), so two labelers agree there with "
        "chance $\\varphi^2 + (1 - \\varphi)^2$, as often as elsewhere only when "
        "$\\varphi = 1 - \\varepsilon$ (the first version's) or $\\varphi = \\varepsilon$; the "
        "conversion reads agreement as the random error only. Real evaluators who are fooled "
        "together would agree more, which is one more reason agreement can flatter a labelling "
        "source.\n"
        "- Agreement figures are different statistics, and each preset inverts the one its source "
        "measured: between two labelers $a = (1 - \\varepsilon)^2 + \\varepsilon^2$; of one labeler "
        "with the mode of $r$ others $a = (1 - \\varepsilon)(1 - \\varepsilon_r) + "
        "\\varepsilon\\,\\varepsilon_r$; of a judge with a human majority of known error "
        "$\\varepsilon_\\text{ref}$, $a = (1 - \\varepsilon)(1 - \\varepsilon_\\text{ref}) + "
        "\\varepsilon\\,\\varepsilon_\\text{ref}$. AlpacaEval's 65.7% is one human against the "
        f"mode of three others, so $\\varepsilon = {PRESETS['crowdworkers'].error_rate:.3f}$, not the "
        f"{float(error_rate_from_agreement(anchors.ALPACAEVAL_HUMAN.agreement.value)):.3f} a two-labeler "
        "reading gives."
    )
    st.markdown("#### What it leaves out")
    st.markdown(
        "- **Generalisation beyond the training distribution.** Outer alignment here means the "
        "training data favour the aligned policy; nothing says the selected policy behaves well on "
        "situations the data never covered.\n"
        "- **Robustness.** Adversarial inputs, distribution shift and optimisation pressure against "
        "a learned reward model are not modelled.\n"
        "- **Which policy training actually finds** (inner alignment, optimisation dynamics): the "
        "model only asks which policy the data favour.\n"
        "- **Correlations between labels** beyond shared blind spots, such as labelers who share "
        "habits or guidelines that mislead them together outside the blind spots."
    )
    st.markdown("#### Programmes: several sources, redundancy, cost")
    st.markdown(
        "- **Mixtures.** With $n_s$ labels from source $s$ the score is "
        "$S = \\sum_s w_s (W_s - L_s)$ and the data favour the aligned policy when $S > 0$ (ties "
        "half). *Pooled* ($w_s = 1$) is what a plain reward model does. *Reliability-weighted* "
        "uses weights an aggregator can know, each source's log-odds of being right on ordinary "
        "items: $w_s = \\ln\\frac{\\bar q_s}{1 - \\bar q_s}$ with "
        "$\\bar q_s = (1 - \\sigma_s)(1 - \\varepsilon_{r,s}) + \\sigma_s (1 - \\varphi_{r,s})$ "
        "(the voted label's reliability, what Dawid–Skene or a calibration set estimates), applied to "
        "the competitor-specific $q_s$: a source this competitor fools more often than not "
        "($q_s < \\tfrac12$) keeps its positive weight and pulls the score the wrong way. With one "
        "source, or sources of equal $\\bar q_s$, it equals pooled. The *oracle bound* "
        "(Nitzan–Paroush weights from the competitor-specific $q_s$: no aggregator knows these; "
        "$w_s = \\ln\\frac{q_s}{1 - q_s}$, Nitzan & Paroush 1982) reads a $q_s < \\tfrac12$ source "
        "backwards, which needs each source's reliability on this competitor's footprint, differing "
        "for every competitor; it bounds what aggregation could do and is never a default.\n"
        "- **Nested blind spots.** A better source's blind spots lie inside a worse source's; a "
        "competitor fills the smallest first, and each source's blind share $h_s$ uses its own "
        "$\\sigma_s$.\n"
        "- **Redundancy.** $r$ labels per item with a majority vote shrink random error to "
        "$\\varepsilon_r = I_\\varepsilon(\\lceil r/2\\rceil, \\lceil r/2\\rceil)$ (3 labels "
        "at 20% give 10.4%), but not blind spots, which every labeler shares: inside one each is "
        "fooled with chance $\\varphi$ and the majority with $\\varphi_r$, the same formula, more "
        "surely than one labeler when $\\varphi > \\frac12$ ($\\varphi = 1 - \\varepsilon$ gives "
        "the first version's $1 - \\varepsilon_r$). The fooled rate is one assumption shared by "
        "every source. Cost and time grow $r$-fold.\n"
        "- **Exact or approximate.** Mixtures are enumerated exactly where that is cheap; elsewhere "
        "the Lugannani–Rice saddlepoint approximation is used, measured against enumeration at "
        "under $10^{-3}$ relative error in $1 - P_1$ (pooled beyond 200 informative labels; the "
        "oracle bound when the sources' weights differ by over 10%; near-equal weights are enumerated "
        "up to 20,000 configurations because the approximation misses their near-lattice by up to "
        "2%). With reliability weights, which are not the $q_s$, its relative error in the smaller of "
        "$P_1$ and $1 - P_1$ was measured up to 1.3% above $10^{-20}$ and 3.1% below (weights over "
        "10% apart, beyond the 400 configurations enumerated), and up to 17% far in the tail "
        "($10^{-100}$) where two weights stand in a small whole-number ratio (a lattice); sources of "
        "equal weight are computed as pooled.\n"
        "- **Calendar time** assumes the sources work in parallel: the programme takes as long as "
        "its slowest source, labeler-hours / (workforce × hours per week)."
    )
    st.markdown("#### Sharing and exports")
    st.markdown(
        "Every page can be shared: *Copy link* copies the address, which holds every setting; "
        "*Embed* gives an iframe of it; *Download all* gives one zip with the scenario file, every "
        "page's charts and tables (CSV, and a PNG of each chart), at the sidebar's values and each "
        "page's own settings as they stand, and a README naming each file and its columns. Results "
        "that run only on request (the cheapest-programme search, the simulation check) come when "
        "they have been run with these settings; the README says what was left out and why. Each PNG "
        "carries its title, the assumptions it uses, this explorer as its source, and the share link. "
        "CSV files hold one table each, with the settings repeated as columns (a setting that is also "
        "a data column is named `setting_<name>`). An infinite value (labels required where no "
        "quantity suffices) is written `inf`, and a value that is not defined is left empty. Text "
        "that a spreadsheet would read as a formula starts with an apostrophe."
    )
    st.markdown("#### Computation and rounding")
    st.markdown(
        "- **Rounding.** The informative labels are $m = \\operatorname{round}(fN)$ with halves "
        "rounded up, computed as $\\lfloor fN + \\frac12 \\rfloor$, so $fN = 2.5$ gives 3 (not "
        "banker's rounding to 2). The labels required for a target are the smallest $N$ whose "
        "$\\operatorname{round}(fN)$ reaches the needed jury size. Fixing $m$ is a simplification: "
        "drawing $m \\sim \\operatorname{Binomial}(N, f)$ instead is expected to change $P_1$ by "
        "the order of $10^{-3}$ at $N$ in the hundreds to thousands, which the brief's simulation "
        "check measures.\n"
        "- **Log space.** $K_\\text{eff}$ reaches $10^{300}$ and $1 - P_1$ falls far below the "
        "smallest double, so the core carries $\\ln P_1$ and $\\ln(1 - P_1)$ and forms "
        "$P_\\text{align} = \\exp(-\\exp(\\ln K_\\text{eff} + \\ln(-\\ln P_1)))$. The headline "
        "says *practically certain* or *practically zero* where it would print as 100.0% or 0.0%; "
        "its help gives the exact value, written as $1 - (\\text{chance of failure})$ close to 1 "
        "to keep its digits.\n"
        "- **Tolerances** (largest error rate, blind spot and $\\log_{10} K$ that still reach the "
        "target) each invert $P_\\text{align}$ in one quantity with the others held fixed; the "
        "fooled rate is held when the error rate moves."
    )

st.markdown("#### Where the numbers come from")
st.caption(
    "Rows marked **assumption** are choices of this project, not published figures; each says why it "
    "was chosen. Everything else cites its source."
)


#: The table's groups, each section under its own heading.
_SECTIONS = (
    ("The model", MODEL_GROUPS),
    ("Labelling sources (Programmes page)", ("source",)),
    ("Rates per capability generation (Over time page)", ("rate",)),
)


def _row(q: Quantity) -> str:
    source = "**assumption**" if q.is_assumption else q.source
    cells = (f"`{q.name}`", q.symbol, q.unit, q.help, q.range_text, f"{q.default:g}", source, q.note)
    # A "|" would end the cell and a "$" could open a formula ("about $1 a comparison").
    return "| " + " | ".join(one_line(c).replace("|", "\\|").replace("$", "\\$") for c in cells) + " |"


_HEADER = ["| quantity | symbol | unit | meaning | interval | default | source | why |", "|" + "---|" * 8]
for heading, groups in _SECTIONS:
    st.markdown(f"##### {heading}")
    rows = [*_HEADER, *(_row(QUANTITIES[name]) for name in names_in(*groups))]
    st.markdown("\n".join(rows))

st.markdown("##### Reference programmes")
rows = [
    "| reference | human data | source | how the explorer uses it |",
    "|---|---|---|---|",
]
for pipeline in anchors.REFERENCE_PIPELINES:
    if pipeline.comparisons is None:
        amount = "No comparison count"
        use = "Listed only: no comparison count is published, so it is not drawn on the labels axis."
    elif pipeline.comparisons_high > pipeline.comparisons_low:
        amount = f"{count(pipeline.comparisons_low)} to {count(pipeline.comparisons_high)} comparisons"
        use = (
            "Drawn as a range; the point on the curve is the geometric middle "
            f"({count(pipeline.comparisons)})."
        )
    else:
        amount = f"{count(pipeline.comparisons_low)} comparisons"
        use = "Drawn at this count."
    if pipeline is anchors.RLHF_REFERENCE:
        use += " The RLHF reference for the 2-OOM band."
    rows.append(f"| {pipeline.name} | {amount}. {pipeline.note} | {pipeline.source} | {use} |")
rlhf = anchors.RLHF_REFERENCE.comparisons
rows.append(
    f"| within 2 OOM of RLHF | {count(rlhf / 100)} to {count(rlhf * 100)} comparisons | seed discussion "
    f'("aim for quantity within 2 OOM of RLHF") | **assumption**: RLHF is measured by '
    f"{anchors.RLHF_REFERENCE.name}'s {count(rlhf)} comparisons, a whole run's human data counted in one "
    "place. |"
)
pricing = PRESETS[overview_view.DEFAULT_COST_SOURCE]
hours_comparisons = count(anchors.FEW_HUNDRED_HOURS * 3600 / pricing.seconds_per_label)
rows.append(
    f"| a few hundred hours | {anchors.FEW_HUNDRED_HOURS:g} labeler-hours ≈ {hours_comparisons} "
    'comparisons | seed discussion ("under a few hundred hours of feedback") | **assumption**: "a few '
    f'hundred" is taken as {anchors.FEW_HUNDRED_HOURS:g} hours, converted at the Overview\'s pricing '
    f"source's seconds per comparison (by default {pricing.name}, {pricing.seconds_per_label:g} s), "
    "the same pace as its labeler-hours. |"
)
rows.append(
    f"| seconds per comparison | {anchors.ALPACAEVAL_HUMAN.seconds_per_label:g} s "
    f"(USD {anchors.ALPACAEVAL_HUMAN.cost_per_label:g} each) | {anchors.ALPACAEVAL_HUMAN.source} | "
    "The crowdworkers preset's pace. One evaluation task's human annotators; other tasks take longer "
    "or shorter. |"
)
st.markdown("\n".join(rows))

st.markdown("##### Labelling presets (Programmes, Map and Overview pages)")
st.caption(
    "Each preset's error rate inverts the agreement statistic its source measured: agreement between "
    "two labelers, one labeler's agreement with the mode of others, or a judge's agreement with a "
    "human majority of known error are different functions of the error rate."
)
rows = ["| preset | quantity | value | where it comes from |", "|---|---|---|---|"]
for preset in PRESETS.values():
    for i, (name, note) in enumerate(preset.provenance):
        value = getattr(preset, name)
        shown = f"{value:.3f}" if name == "error_rate" else f"{value:g}"
        cells = (preset.name if i == 0 else "", QUANTITIES[name].label, shown, note)
        escaped = (one_line(c).replace("|", "\\|").replace("$", "\\$") for c in cells)  # as in _row
        rows.append("| " + " | ".join(escaped) + " |")
st.markdown("\n".join(rows))

st.markdown(compare.method_section())

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
