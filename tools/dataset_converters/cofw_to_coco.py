"""COFW -> MMPose COCO-style JSON; writes the images stored in the .mat files as PNG.

    python tools/dataset_converters/cofw_to_coco.py MAT_DIR data/cofw

MAT_DIR holds COFW_train_color.mat and COFW_test_color.mat (MATLAB v7.3). Writes
OUT/images/{train,test}_NNNN.png and OUT/annotations/cofw_{train,test}.json, once every record
of both files is checked (a bad record leaves an earlier conversion in OUT as it was).
"""
import argparse
import os.path as osp
import sys

from wingpose.datasets.converters import ConversionError, convert_splits
from wingpose.datasets.converters.cofw import records, write_images

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('mat_dir')
    parser.add_argument('out_dir')
    args = parser.parse_args()
    mats = {split: osp.join(args.mat_dir, f'COFW_{split}_color.mat')
            for split in ('train', 'test')}
    try:  # every record of both files checked before an image or a JSON is written
        convert_splits(
            osp.join(args.out_dir, 'annotations'), 'cofw',
            {split: records(mat, split, f'{split}_') for split, mat in mats.items()},
            before_writing=lambda: [write_images(mat, split, osp.join(args.out_dir, 'images'),
                                                 f'{split}_') for split, mat in mats.items()])
    except ConversionError as error:
        sys.exit(f'error: {error}')
