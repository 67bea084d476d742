from .coordinate_frames import denormalize_coordinates, heatmap_grid, normalize_coordinates
from .heatmap_statistics import HeatmapDistribution, heatmap_distribution, symmetric_eig2x2
from .resampling import bilinear_resize_matrix

__all__ = [
    'bilinear_resize_matrix', 'denormalize_coordinates', 'heatmap_grid', 'normalize_coordinates',
    'HeatmapDistribution', 'heatmap_distribution', 'symmetric_eig2x2'
]
