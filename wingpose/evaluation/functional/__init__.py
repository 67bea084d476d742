from .face_alignment import (BOX_NORMS, DATASET_PRESETS, Normalisation, auc, ced, error_bands,
                             failure_rate, landmark_jitter, normalising_distance, per_image_nme,
                             per_landmark_nme, resolve_normalisation, subset_members,
                             summarise)

__all__ = [
    'BOX_NORMS', 'DATASET_PRESETS', 'Normalisation', 'auc', 'ced', 'error_bands',
    'failure_rate', 'landmark_jitter', 'normalising_distance', 'per_image_nme', 'per_landmark_nme',
    'resolve_normalisation', 'subset_members', 'summarise'
]
