"""Published reference figures: how much human preference data real pipelines used, what it cost.

Pure data from the project's ``anchors.md``; every entry names its source. Used for presets, chart
overlays and tests. Figures the source does not give are ``None``, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AGREEMENT_STATISTICS",
    "ALPACAEVAL_GPT4_JUDGE",
    "ALPACAEVAL_HUMAN",
    "FEW_HUNDRED_HOURS",
    "INSTRUCTGPT_AGREEMENT",
    "INSTRUCTGPT_HELD_OUT_AGREEMENT",
    "REFERENCE_PIPELINES",
    "RLHF_REFERENCE",
    "STIENNON_RESEARCHER_AGREEMENT",
    "AgreementFigure",
    "LabelCost",
    "ReferencePipeline",
]


@dataclass(frozen=True)
class ReferencePipeline:
    """Human preference data used by a published pipeline.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"InstructGPT"``.
    comparisons_low, comparisons_high : float or None
        Human comparisons used; equal when the source gives one figure, a range when it gives the
        ingredients of one (InstructGPT: 33,207 prompts times 6 to 36 comparisons each).
    labeler_hours : float or None
        Human time, where the source states it.
    source : str
        Citation (arXiv number and section or table).
    note : str
        What the figure counts.
    """

    name: str
    comparisons_low: float | None
    comparisons_high: float | None
    labeler_hours: float | None
    source: str
    note: str

    @property
    def comparisons(self) -> float | None:
        """Geometric middle of the range: the point to mark on a log axis."""
        if self.comparisons_low is None or self.comparisons_high is None:
            return None
        return (self.comparisons_low * self.comparisons_high) ** 0.5


REFERENCE_PIPELINES: tuple[ReferencePipeline, ...] = (
    ReferencePipeline(
        "Christiano et al. 2017",
        None,
        None,
        1.0,
        "arXiv 1706.03741",
        "About one hour of human time for a novel behaviour; feedback on under 1% of interactions.",
    ),
    ReferencePipeline(
        "Stiennon et al. 2020",
        64_000.0,
        64_000.0,
        None,
        "arXiv 2009.01325 §4.3, §5",
        "Reward-model ablation from 8k to 64k comparisons; the set 'took thousands of labeler hours'.",
    ),
    ReferencePipeline(
        "InstructGPT",
        33_207.0 * 6,
        33_207.0 * 36,
        None,
        "arXiv 2203.02155 Table 6, §3.4",
        "33,207 reward-model prompts, each with K = 4 to 9 ranked responses: 6 to 36 comparisons each.",
    ),
    ReferencePipeline(
        "Anthropic HH",
        162_000.0,
        162_000.0,
        None,
        "arXiv 2204.05862 §2.3",
        "44k helpful + 42k red-team base, 52k + 2k rejection-sampling, 22k online: about 162k.",
    ),
    ReferencePipeline(
        "Constitutional AI",
        135_296.0,
        135_296.0,
        None,
        "arXiv 2212.08073 §4.1–4.2",
        "135,296 human helpfulness comparisons; harmlessness labels came from AI (182,831).",
    ),
    ReferencePipeline(
        "Llama 2",
        1_418_091.0,
        1_418_091.0,
        None,
        "arXiv 2307.09288 Table 6, §3.2.2",
        "1,418,091 Meta binary comparisons (2,919,326 with open datasets).",
    ),
)

#: What a published agreement figure can measure, by the name :attr:`AgreementFigure.statistic`
#: holds. Each is a different function of the labelers' error rates, so each is inverted by its own
#: formula (see :mod:`aliquant_core.sources`); treating one as another misstates the error rate.
#: ``{others}`` stands for :attr:`AgreementFigure.others`.
AGREEMENT_STATISTICS: dict[str, str] = {
    "two_labelers": "two labelers of one pool on the same comparison",
    "held_out_vs_mode": "one held-out labeler against the mode of the {others} other labelers of its pool",
    "judge_vs_mode": "an outside judge against the mode of {others} human labelers",
}


@dataclass(frozen=True)
class AgreementFigure:
    """A published agreement figure and which statistic it is.

    Attributes
    ----------
    value : float
        The agreement, a share in [0.5, 1].
    statistic : str
        A key of :data:`AGREEMENT_STATISTICS`: what was compared with what.
    others : int
        How many labelers the one labeler (or judge) was compared with, by their mode: 1 for two
        labelers.
    ties : str
        How the source breaks a tied mode, or why none can occur.
    source : str
        Citation.
    note : str
        The figure as the source gives it.
    """

    value: float
    statistic: str
    others: int
    ties: str
    source: str
    note: str

    def __post_init__(self):
        # Pure data, but a figure filed under the wrong statistic is the error this type exists to
        # prevent: say so at import, not in a preset's number.
        if self.statistic not in AGREEMENT_STATISTICS:
            known = ", ".join(AGREEMENT_STATISTICS)
            raise ValueError(f"statistic must be one of {known}; got {self.statistic!r}")
        if (self.statistic == "two_labelers") != (self.others == 1) or self.others < 1:
            raise ValueError(f"{self.statistic} with others={self.others}: two labelers means one other")
        if not 0.5 <= self.value <= 1.0:
            raise ValueError(f"agreement must be in [0.5, 1]; got {self.value}")

    @property
    def described(self) -> str:
        """The statistic in words, e.g. for a preset's provenance."""
        return AGREEMENT_STATISTICS[self.statistic].format(others=self.others)


_NO_TIES = "none: one other labeler, no mode to break"

#: InstructGPT's labeler–labeler agreement (training labelers): two labelers on one comparison, the
#: statistic a = (1 − ε)² + ε² inverts.
INSTRUCTGPT_AGREEMENT = AgreementFigure(
    0.726,
    "two_labelers",
    1,
    _NO_TIES,
    "arXiv 2203.02155 §3.4",
    "training labelers agreed 72.6 ± 1.5%",
)

#: InstructGPT's held-out labelers' agreement with each other: two labelers, the highest labeler
#: agreement in the anchors.
INSTRUCTGPT_HELD_OUT_AGREEMENT = AgreementFigure(
    0.773,
    "two_labelers",
    1,
    _NO_TIES,
    "arXiv 2203.02155 §3.4",
    "held-out labelers agreed 77.3 ± 1.3%",
)

#: Stiennon et al.'s researcher–researcher agreement: two researchers on one comparison.
STIENNON_RESEARCHER_AGREEMENT = AgreementFigure(
    0.73,
    "two_labelers",
    1,
    _NO_TIES,
    "arXiv 2009.01325 App. C.2",
    "researcher–researcher agreement 73 ± 4%",
)

#: The pipeline "within 2 OOM of RLHF" is measured from: Anthropic HH, a whole RLHF run's human
#: comparisons counted in one place (arXiv 2204.05862 §2.3).
RLHF_REFERENCE: ReferencePipeline = REFERENCE_PIPELINES[3]

#: "Under a few hundred hours of feedback" (seed discussion): taken as 300 labeler-hours.
FEW_HUNDRED_HOURS = 300.0


@dataclass(frozen=True)
class LabelCost:
    """Cost and time of one comparison from a published table.

    Attributes
    ----------
    name : str
        Who labels.
    agreement : AgreementFigure
        Agreement with the reference annotations, and which statistic it is.
    cost_per_label : float
        US dollars per comparison.
    seconds_per_label : float
        Seconds per comparison.
    source : str
        Citation.
    """

    name: str
    agreement: AgreementFigure
    cost_per_label: float
    seconds_per_label: float
    source: str


_ALPACAEVAL = "tatsu-lab/alpaca_eval README, Evaluators table"

#: AlpacaEval's crowdworkers: the "humans" row of its evaluators table. Its "human agreement" is a
#: leave-one-out figure over 4 annotations per comparison: "we take one of the 4 annotations and
#: compute the accuracy that it has when predicting the mode of the other 3 annotations", averaged
#: over the 4 and over about 650 comparisons (the README's "How exactly are those metrics
#: computed?"). Three binary votes always have a strict mode.
ALPACAEVAL_HUMAN = LabelCost(
    "Human annotators (AlpacaEval)",
    AgreementFigure(
        0.657,
        "held_out_vs_mode",
        3,
        "none: three binary votes always have a strict mode",
        _ALPACAEVAL,
        "65.7% 'human agreement' of the humans row",
    ),
    300.0 / 1000,
    36_800.0 / 1000,
    _ALPACAEVAL,
)

#: AlpacaEval's GPT-4 judge: the "gpt4" row. "We perform exactly the same computation for the
#: automatic annotators" (the README), here against the mode of all 4 human annotations, since the
#: judge is none of them (``agreement_of_annotations`` with ``n_majority_vote_2`` = all 4).
ALPACAEVAL_GPT4_JUDGE = LabelCost(
    "GPT-4 as judge (AlpacaEval)",
    AgreementFigure(
        0.666,
        "judge_vs_mode",
        4,
        "a 2–2 tie is broken at random ('If the mode is not unique, we take one of the modes at "
        "random', the README)",
        _ALPACAEVAL,
        "GPT-4's 66.6% 'human agreement'",
    ),
    12.5 / 1000,
    1_217.5 / 1000,
    _ALPACAEVAL,
)
