# Adaptive Wing (Wang et al., ICCV 2019) on WFLW: the official 4-stack hourglass with boundary
# prediction and boundary-aware CoordConv, and the paper's recipe (docs/recipes.md).
_base_ = [
    '../_base_/data/wflw.py', '../_base_/models/stackedhg_awing.py',
    '../_base_/schedules/awing_rmsprop.py'
]
model = dict(backbone=dict(num_keypoints=98), head=dict(out_channels=98))
# the official test crop (docs/datasets.md: wflw_to_coco.py --crop awing)
train_dataloader = dict(batch_size={{_base_.train_batch_size}}, dataset=dict(
    ann_file='annotations/awing_wflw_train.json',
    pipeline={{_base_.official_crop_train_pipeline}}))
val_dataloader = dict(dataset=dict(ann_file='annotations/awing_wflw_test.json',
                                   pipeline={{_base_.official_crop_val_pipeline}}))
test_dataloader = val_dataloader
# AWing's evaluation (`utils.fan_NME`, `core/evaler.py`): inter-ocular (60, 72); FR and AUC
# at 0.10
val_evaluator = dict(norms=['inter_ocular'], thr=0.10)
test_evaluator = val_evaluator
