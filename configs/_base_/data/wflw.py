# WFLW (tools/dataset_converters/wflw_to_coco.py): 7500 / 2500 with the six attribute subsets.
# Metric: inter-ocular, FR/AUC at 0.10.
_base_ = ['./face_landmarks.py']

data_root = 'data/wflw/'
metainfo = dict(from_file='configs/_base_/datasets/wflw.py')  # MMPose's keypoint info
# 8 workers and pinned memory keep a GPU fed (README: how many cores a recipe needs)
train_dataloader = dict(num_workers=8, pin_memory=True, dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/wflw_train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/wflw_test.json'))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='NME_inter_ocular', rule='less'))
