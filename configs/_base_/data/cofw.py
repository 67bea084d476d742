# COFW-29 (tools/dataset_converters/cofw_to_coco.py): 1345 / 507.
# Metric: inter-pupil (16, 17; the Wing, AWing and STAR papers' COFW figures) and inter-ocular
# (8, 9; HRNet's and MMPose's), FR/AUC at 0.10; the best checkpoint by inter-pupil NME.
_base_ = ['./face_landmarks.py']

data_root = 'data/cofw/'
metainfo = dict(from_file='configs/_base_/datasets/cofw.py')  # MMPose's keypoint info
# 8 workers and pinned memory keep a GPU fed (README: how many cores a recipe needs)
train_dataloader = dict(num_workers=8, pin_memory=True, dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/cofw_train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/cofw_test.json'))
test_dataloader = val_dataloader
val_evaluator = dict(norms=['inter_pupil', 'inter_ocular'])
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='NME_inter_pupil', rule='less'))
