from .coordinate_frames import denormalize_coordinates, normalize_coordinates

__all__ = ['denormalize_coordinates', 'normalize_coordinates']
