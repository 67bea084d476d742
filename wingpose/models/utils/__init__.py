from .alignment import (alignment_from_landmarks, apply_affine, compose_affine, eye_groups_for,
                        invert_affine, random_similarity, warp_crop)
from .keypoint_labels import star_coordinates
from .official_checkpoints import (convert_awing_state_dict, convert_star_state_dict,
                                   official_key_map, xy_first)

__all__ = [
    'alignment_from_landmarks', 'apply_affine', 'compose_affine',
    'eye_groups_for', 'invert_affine', 'random_similarity', 'warp_crop',
    'star_coordinates', 'convert_awing_state_dict', 'convert_star_state_dict',
    'official_key_map', 'xy_first'
]
