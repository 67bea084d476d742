# The embedded synthetic benchmark, WFLW-98 layout placed along the 68 points' contours.
# Subsets: yaw_0_15, yaw_15_45, yaw_45_90 (|yaw| bands).
# Metric: WFLW preset (inter-ocular, FR/AUC at 0.10).
_base_ = ['./face_landmarks.py']

data_root = 'data/synthface/'
metainfo = dict(from_file='configs/_base_/datasets/wflw.py')  # MMPose's keypoint info
train_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/synthface_98_train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/synthface_98_test.json'))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='NME_inter_ocular', rule='less'))
