"""MMPose's own WFLW AWing config, its loss and evaluator swapped for wingpose's, trained by
MMPose's own tools/train.py on a tiny WFLW-format set converted by wflw_to_coco.py."""
import os.path as osp

import cv2
import numpy as np

from ..utils import run_tool

MMPOSE_CONFIG = ('configs/face_2d_keypoint/topdown_heatmap/wflw/'
                 'td-hm_hrnetv2-w18_awing-8xb64-60e_wflw-256x256.py')


def write_wflw(root, num_train=4, num_test=2):
    """WFLW's download layout: images, and list files of 207 tokens a line."""
    rng = np.random.default_rng(0)
    lines = {}
    for split, count in (('train', num_train), ('test', num_test)):
        rows = []
        for i in range(count):
            name = f'0--Parade/{split}_{i}.jpg'
            path = osp.join(root, 'WFLW_images', name)
            image = rng.integers(0, 255, (128, 128, 3), dtype=np.uint8)
            assert cv2.imwrite(path, image)
            points = rng.uniform(30, 98, (98, 2))
            box = [25, 25, 103, 103]
            attributes = rng.integers(0, 2, 6)
            rows.append(' '.join([*(f'{v:.3f}' for v in points.ravel()), *map(str, box),
                                  *map(str, attributes), name]))
        lines[split] = rows
    for split, rows in lines.items():
        with open(osp.join(root, f'list_98pt_rect_attr_{split}.txt'), 'w') as f:
            f.write('\n'.join(rows) + '\n')


def test_mmpose_wflw_awing_config_saves_best_by_nme(tmp_path):
    import mmpose
    mim = osp.join(osp.dirname(mmpose.__file__), '.mim')
    (tmp_path / 'WFLW_images' / '0--Parade').mkdir(parents=True)
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
