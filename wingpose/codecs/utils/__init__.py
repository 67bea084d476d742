from .coordinate_frames import denormalize_coordinates, normalize_coordinates
from .resampling import bilinear_resize_matrix

__all__ = ['bilinear_resize_matrix', 'denormalize_coordinates', 'normalize_coordinates']
