from .face_layouts import (FACE_LAYOUTS, STAR_EDGES, Edge, EyeGroups, FaceLayout, face_layout,
                           resample_landmarks, star_edges)

__all__ = [
    'FACE_LAYOUTS', 'STAR_EDGES', 'Edge', 'EyeGroups', 'FaceLayout', 'face_layout',
    'resample_landmarks', 'star_edges'
]
