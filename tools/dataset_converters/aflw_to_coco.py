"""AFLW-19 -> MMPose COCO-style JSON with the frontal subset.

    python tools/dataset_converters/aflw_to_coco.py AFLWinfo_release.mat data/aflw/images \
        data/aflw/annotations

IMAGE_ROOT is the folder the mat file's nameList is relative to (AFLW's flickr/).
"""
import argparse
import sys

from wingpose.datasets.converters import ConversionError, convert_splits
from wingpose.datasets.converters.aflw import load, records

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('mat_file')
    parser.add_argument('image_root')
    parser.add_argument('out_dir')
    args = parser.parse_args()
    try:
        mat = load(args.mat_file)
        convert_splits(args.out_dir, 'aflw', {
            split: records(mat, split, args.image_root, args.mat_file)
            for split in ('train', 'test')})
    except ConversionError as error:
        sys.exit(f'error: {error}')
