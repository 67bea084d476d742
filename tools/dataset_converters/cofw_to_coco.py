"""COFW -> MMPose COCO-style JSON; writes the images stored in the .mat files as PNG.

    python tools/dataset_converters/cofw_to_coco.py MAT_DIR data/cofw

MAT_DIR holds COFW_train_color.mat and COFW_test_color.mat (MATLAB v7.3). Writes
OUT/images/{train,test}_NNNN.png and OUT/annotations/cofw_{train,test}.json.
"""
import argparse
import os.path as osp
import sys

from wingpose.datasets.converters import ConversionError, convert_splits
from wingpose.datasets.converters.cofw import records

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('mat_dir')
    parser.add_argument('out_dir')
    args = parser.parse_args()
    try:
        convert_splits(osp.join(args.out_dir, 'annotations'), 'cofw', {
            split: records(osp.join(args.mat_dir, f'COFW_{split}_color.mat'), split,
                           osp.join(args.out_dir, 'images'), f'{split}_')
            for split in ('train', 'test')})
    except ConversionError as error:
        sys.exit(f'error: {error}')
