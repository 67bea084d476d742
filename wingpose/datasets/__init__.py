from .face_landmark_dataset import FaceLandmarkDataset
from .pose_balanced_dataset import PoseBalancedDataset
from .samplers import SampleKey, SeededSampler
from .sources import (DATASET_SOURCES, DatasetNotFoundError, check_dataset_files,
                      data_root_options, leaf_datasets)
from .transforms import GenerateBoundaryHeatmaps

__all__ = [
    'FaceLandmarkDataset', 'PoseBalancedDataset', 'GenerateBoundaryHeatmaps', 'DATASET_SOURCES',
    'DatasetNotFoundError', 'check_dataset_files', 'data_root_options',
    'leaf_datasets', 'SampleKey', 'SeededSampler'
]
