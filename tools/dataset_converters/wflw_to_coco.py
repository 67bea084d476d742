"""WFLW -> MMPose COCO-style JSON keeping the six attribute flags as subsets.

    python tools/dataset_converters/wflw_to_coco.py \
        WFLW_annotations/list_98pt_rect_attr_train_test data/wflw/images data/wflw/annotations

LIST_DIR holds list_98pt_rect_attr_{train,test}.txt; IMAGE_ROOT is WFLW_images/. With
``--crop awing`` the crop of each face is the official Adaptive Wing test crop
(``wingpose.datasets.converters.wflw.awing_crop``) and the files are ``awing_wflw_*.json``.
"""
import argparse
import os.path as osp
import sys

from wingpose.datasets.converters import ConversionError, convert_splits
from wingpose.datasets.converters.wflw import records

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('list_dir')
    parser.add_argument('image_root')
    parser.add_argument('out_dir')
    parser.add_argument('--crop', choices=('box', 'awing'), default='box',
                        help="the crop box: the WFLW box (MMPose's) or AWing's test crop")
    args = parser.parse_args()
    try:
        convert_splits(args.out_dir, 'wflw' if args.crop == 'box' else 'awing_wflw', {
            split: records(osp.join(args.list_dir, f'list_98pt_rect_attr_{split}.txt'),
                           args.image_root, args.crop) for split in ('train', 'test')})
    except ConversionError as error:
        sys.exit(f'error: {error}')
