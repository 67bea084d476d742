# 300W (tools/dataset_converters/300w_to_coco.py): train 3148, test common 554 + challenge 135.
# Metric: inter-ocular and inter-pupil, FR/AUC at 0.08, subsets common/challenge.
_base_ = ['./face_landmarks.py']

data_root = 'data/300w/'
metainfo = dict(from_file='configs/_base_/datasets/300w.py')  # MMPose's keypoint info
# 8 workers and pinned memory keep a GPU fed (README: how many cores a recipe needs)
train_dataloader = dict(num_workers=8, pin_memory=True, dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/300w_train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, metainfo=metainfo, ann_file='annotations/300w_test.json'))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='NME_inter_ocular', rule='less'))
