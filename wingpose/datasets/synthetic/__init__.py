"""An embedded synthetic face benchmark with exact landmarks (68 iBUG / 19 AFLW / 98 WFLW
points)."""
from .geometry import (AFLW19_FROM_68, WFLW98_FROM_68, FaceParams, mean_face,
                       sample_face)
from .render import render_face
from .writer import LAYOUTS, YAW_BANDS, carve_validation, generate_synthetic_faces, yaw_band

__all__ = ['AFLW19_FROM_68', 'WFLW98_FROM_68', 'LAYOUTS', 'FaceParams', 'mean_face',
           'sample_face', 'render_face',
           'generate_synthetic_faces', 'YAW_BANDS', 'carve_validation', 'yaw_band']
