from .star_heatmap_head import STARHeatmapHead

__all__ = ['STARHeatmapHead']
