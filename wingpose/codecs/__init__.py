from .awing_heatmap import AWingHeatmap
from .soft_argmax_heatmap import SoftArgmaxHeatmap

__all__ = ['AWingHeatmap', 'SoftArgmaxHeatmap']
