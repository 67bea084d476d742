# AFLW-19 (tools/dataset_converters/aflw_to_coco.py): 20000 / 4386, subset frontal (1165).
# Metric: NME_box (sqrt(w*h)) and NME_diag, FR/AUC at 0.07.
_base_ = ['./face_landmarks.py']

data_root = 'data/aflw/'
metainfo = dict(from_file='configs/_base_/datasets/aflw.py')  # MMPose's keypoint info
# 8 workers and pinned memory keep a GPU fed (README: how many cores a recipe needs)
train_dataloader = dict(num_workers=8, pin_memory=True, dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/aflw_train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/aflw_test.json'))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='NME_bbox', rule='less'))
