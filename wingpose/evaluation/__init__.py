from .baselines import mean_shape_baseline
from .metrics import FaceAlignmentMetric
from .table import benchmark_table

__all__ = ['FaceAlignmentMetric', 'benchmark_table', 'mean_shape_baseline']
