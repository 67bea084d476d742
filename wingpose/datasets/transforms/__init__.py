from .boundary_heatmaps import (BOUNDARY_PRESETS, GenerateBoundaryHeatmaps,
                                boundary_distance_maps)

__all__ = ['BOUNDARY_PRESETS', 'GenerateBoundaryHeatmaps', 'boundary_distance_maps']
