# COFW-29 (tools/dataset_converters/cofw_to_coco.py): 1345 / 507.
# Metric: inter-ocular and inter-pupil, FR/AUC at 0.10.
_base_ = ['./face_landmarks.py']

data_root = 'data/cofw/'
metainfo = dict(from_file='configs/_base_/datasets/cofw.py')  # MMPose's keypoint info
train_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/cofw_train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/cofw_test.json'))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='NME_inter_ocular', rule='less'))
