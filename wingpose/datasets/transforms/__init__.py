from .augmentation import (RandomBlur, RandomGamma, RandomNoiseBlend,
                           RandomNormalBBoxTransform, RandomOcclusion)
from .boundary_heatmaps import (BOUNDARY_PRESETS, GenerateBoundaryHeatmaps, GenerateEdgeMaps,
                                boundary_curve, boundary_distance_maps, star_edge_maps)
from .topdown_transforms import AlignCornersTopdownAffine

__all__ = [
    'AlignCornersTopdownAffine', 'BOUNDARY_PRESETS', 'GenerateBoundaryHeatmaps',
    'GenerateEdgeMaps', 'boundary_curve', 'boundary_distance_maps', 'star_edge_maps', 'RandomBlur', 'RandomGamma',
    'RandomNoiseBlend', 'RandomNormalBBoxTransform', 'RandomOcclusion'
]
