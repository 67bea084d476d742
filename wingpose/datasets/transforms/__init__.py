from .augmentation import (RandomBlur, RandomGamma, RandomNoiseBlend,
                           RandomNormalBBoxTransform, RandomOcclusion)
from .boundary_heatmaps import (GenerateBoundaryHeatmaps, GenerateEdgeMaps, boundary_curve,
                                boundary_distance_maps, star_edge_maps)
from .topdown_transforms import AlignCornersTopdownAffine

__all__ = [
    'AlignCornersTopdownAffine', 'GenerateBoundaryHeatmaps', 'GenerateEdgeMaps',
    'boundary_curve', 'boundary_distance_maps', 'star_edge_maps', 'RandomBlur', 'RandomGamma',
    'RandomNoiseBlend', 'RandomNormalBBoxTransform', 'RandomOcclusion'
]
