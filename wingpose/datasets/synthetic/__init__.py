"""An embedded synthetic face benchmark with exact landmarks (68 iBUG / 19 AFLW points)."""
from .geometry import AFLW19_FROM_68, FaceParams, mean_face, sample_face
from .render import render_face
from .writer import YAW_BANDS, carve_validation, generate_synthetic_faces, yaw_band

__all__ = ['AFLW19_FROM_68', 'FaceParams', 'mean_face', 'sample_face', 'render_face',
           'generate_synthetic_faces', 'YAW_BANDS', 'carve_validation', 'yaw_band']
