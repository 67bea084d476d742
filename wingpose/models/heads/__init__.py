from .boundary_heatmap_head import BoundaryHeatmapHead
from .stacked_heatmap_head import StackedHeatmapHead
from .star_heatmap_head import STARHeatmapHead

__all__ = ['BoundaryHeatmapHead', 'StackedHeatmapHead', 'STARHeatmapHead']
