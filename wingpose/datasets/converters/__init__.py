"""Converters from the official face-alignment downloads to MMPose's COCO-style JSON."""
from .coco import ConversionError, convert_splits, face_record, write_coco

__all__ = ['ConversionError', 'convert_splits', 'face_record', 'write_coco']
