from .face_landmark_inferencer import FaceLandmarkInferencer

__all__ = ['FaceLandmarkInferencer']
