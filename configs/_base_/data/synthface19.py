# The embedded synthetic benchmark, AFLW-19 layout derived from the 68 points.
# Subsets: yaw_0_15, yaw_15_45, yaw_45_90 (|yaw| bands) and AFLW's frontal.
# Metric: AFLW preset (bbox + diagonal, thr 0.07).
_base_ = ['./face_landmarks.py']

data_root = 'data/synthface/'
metainfo = dict(from_file='configs/_base_/datasets/aflw.py')  # MMPose's keypoint info
train_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/synthface_19_train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/synthface_19_test.json'))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='NME_bbox', rule='less'))
