"""Published reference figures: how much human preference data real pipelines used, what it cost.

Pure data from the project's ``anchors.md``; every entry names its source. Used for presets, chart
overlays and tests. Figures the source does not give are ``None``, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALPACAEVAL_GPT4_JUDGE",
    "ALPACAEVAL_HUMAN",
    "FEW_HUNDRED_HOURS",
    "REFERENCE_PIPELINES",
    "RLHF_REFERENCE",
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

#: InstructGPT's labeler–labeler agreement (training labelers, 72.6 ± 1.5%; arXiv 2203.02155 §3.4):
#: two labelers on one comparison, the statistic a = (1 − ε)² + ε² inverts.
INSTRUCTGPT_AGREEMENT = 0.726

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
    agreement : float
        Agreement with the reference annotations.
    cost_per_label : float
        US dollars per comparison.
    seconds_per_label : float
        Seconds per comparison.
    source : str
        Citation.
    """

    name: str
    agreement: float
    cost_per_label: float
    seconds_per_label: float
    source: str


ALPACAEVAL_HUMAN = LabelCost(
    "Human annotators (AlpacaEval)",
    0.657,
    300.0 / 1000,
    36_800.0 / 1000,
    "tatsu-lab/alpaca_eval README, Evaluators table",
)
ALPACAEVAL_GPT4_JUDGE = LabelCost(
    "GPT-4 as judge (AlpacaEval)",
    0.666,
    12.5 / 1000,
    1_217.5 / 1000,
    "tatsu-lab/alpaca_eval README, Evaluators table",
)
