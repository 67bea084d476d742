from .soft_argmax_heatmap import SoftArgmaxHeatmap

__all__ = ['SoftArgmaxHeatmap']
