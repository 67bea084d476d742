from .functional import *  # noqa: F401,F403
from .metrics import FaceAlignmentMetric
from .table import benchmark_table

__all__ = ['FaceAlignmentMetric', 'benchmark_table']
