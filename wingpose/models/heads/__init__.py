from .boundary_heatmap_head import BoundaryHeatmapHead
from .star_heatmap_head import STARHeatmapHead

__all__ = ['BoundaryHeatmapHead', 'STARHeatmapHead']
