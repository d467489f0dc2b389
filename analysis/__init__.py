"""Figures, statistics, reports and sensitivity analysis from saved salesorg results.

Everything here reads results written by the experiment runner (``experiments.load_results``)
and never reruns a model, except :func:`run_sensitivity`, which hands a SALib sample to the
runner. Quick use::

    from salesorg.experiments import load_results
    from salesorg.analysis import summary_table, pairwise_comparisons, timeseries_figure

    results = load_results("results/quick")
    summary_table(results)             # mean, 95% CI and n per scenario
    pairwise_comparisons(results)      # tests, effect sizes, Holm-corrected p
    timeseries_figure(results)         # a matplotlib Figure; save it with save_figure
"""

from salesorg.analysis.data import end_of_run, main_metrics, metric_info
from salesorg.analysis.figures import distribution_figure, heatmap_figure, timeseries_figure
from salesorg.analysis.knowledge import knowledge_diffusion_figure, knowledge_map_figure
from salesorg.analysis.outputs import FigureFile, write_figures
from salesorg.analysis.report import write_report
from salesorg.analysis.sensitivity import SensitivityDesign, compute_indices, design_from_spec
from salesorg.analysis.sensitivity_figure import sensitivity_figure
from salesorg.analysis.sensitivity_run import analyze_sensitivity, run_sensitivity
from salesorg.analysis.stats import cliffs_delta, cohens_d, compare, holm, mean_ci
from salesorg.analysis.tables import pairwise_comparisons, summary_table
from salesorg.analysis.theme import save_figure, theme

__all__ = [
    "FigureFile",
    "SensitivityDesign",
    "analyze_sensitivity",
    "cliffs_delta",
    "cohens_d",
    "compare",
    "compute_indices",
    "design_from_spec",
    "distribution_figure",
    "end_of_run",
    "heatmap_figure",
    "holm",
    "knowledge_diffusion_figure",
    "knowledge_map_figure",
    "main_metrics",
    "mean_ci",
    "metric_info",
    "pairwise_comparisons",
    "run_sensitivity",
    "save_figure",
    "sensitivity_figure",
    "summary_table",
    "theme",
    "timeseries_figure",
    "write_figures",
    "write_report",
]
