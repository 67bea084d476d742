from .face_detection import haar_face_boxes
from .face_landmark_inferencer import FaceLandmarkInferencer
from .face_tracking import FaceTracker, OneEuroFilter

__all__ = ['FaceLandmarkInferencer', 'FaceTracker', 'OneEuroFilter', 'haar_face_boxes']
