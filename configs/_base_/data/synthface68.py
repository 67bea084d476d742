# The embedded synthetic benchmark, 68 iBUG points (make_synthetic_faces.py).
# Subsets: yaw_0_15, yaw_15_45, yaw_45_90 (|yaw| bands).
# Metric: 300W preset (inter-ocular + inter-pupil, thr 0.08).
_base_ = ['./face_landmarks.py']

data_root = 'data/synthface/'
metainfo = dict(from_file='configs/_base_/datasets/300w.py')  # MMPose's keypoint info
train_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/synthface_68_train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/synthface_68_test.json'))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='NME_inter_ocular', rule='less'))
# the 300W normalisations, and the face box for the profiles (their eyes' distance collapses)
val_evaluator = dict(norms=['inter_ocular', 'inter_pupil', 'bbox'])
test_evaluator = val_evaluator
