"""MMPose's own WFLW AWing config, its loss and evaluator swapped for wingpose's, trained by
MMPose's own tools/train.py on a tiny WFLW-format set converted by wflw_to_coco.py."""
import os.path as osp

from ..datasets.raw_formats import write_wflw
from ..utils import run_tool

MMPOSE_CONFIG = ('configs/face_2d_keypoint/topdown_heatmap/wflw/'
                 'td-hm_hrnetv2-w18_awing-8xb64-60e_wflw-256x256.py')


def test_mmpose_wflw_awing_config_saves_best_by_nme(tmp_path):
    import mmpose
    mim = osp.join(osp.dirname(mmpose.__file__), '.mim')
    write_wflw(str(tmp_path))
    data_root = tmp_path / 'wflw'
    run_tool('tools/dataset_converters/wflw_to_coco.py', str(tmp_path),
             str(tmp_path / 'WFLW_images'), str(data_root / 'annotations'))
    (data_root / 'images').symlink_to(tmp_path / 'WFLW_images')
    config = tmp_path / 'awing_wingpose.py'
    loader = dict(batch_size=2, num_workers=0, persistent_workers=False)
    config.write_text(f"""
_base_ = ['{osp.join(mim, MMPOSE_CONFIG)}']
custom_imports = dict(imports=['wingpose'], allow_failed_imports=False)
train_cfg = dict(max_epochs=1, val_interval=1)
# no ImageNet weights offline; the rest of MMPose's model as it is, its loss swapped
model = dict(backbone=dict(init_cfg=None),
             head=dict(loss=dict(type='wingpose.AdaptiveWingLoss')))
train_dataloader = dict(**{loader!r}, dataset=dict(
    data_root='{data_root}/', ann_file='annotations/wflw_train.json'))
val_dataloader = dict(**{loader!r}, dataset=dict(
    data_root='{data_root}/', ann_file='annotations/wflw_test.json'))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='wingpose.FaceAlignmentMetric')
test_evaluator = val_evaluator
""")
    work_dir = tmp_path / 'work'
    result = run_tool(osp.join(mim, 'tools', 'train.py'), str(config), '--work-dir',
                      str(work_dir))
    log = result.stdout + result.stderr
    assert osp.isfile(work_dir / 'best_NME_epoch_1.pth'), log[-3000:]
    assert 'best checkpoint with' in log and 'NME' in log
    # wingpose's metric evaluated (its own keys beside MMPose's)
    assert 'NME_inter_ocular' in log
