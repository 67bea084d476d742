"""300W -> MMPose COCO-style JSON with the common/challenge subsets.

    python tools/dataset_converters/300w_to_coco.py data/300w/images data/300w/annotations

IMAGE_ROOT holds afw/, helen/{trainset,testset}/, lfpw/{trainset,testset}/ and ibug/ with a
.pts file beside each image. Writes 300w_train.json (3148) and 300w_test.json (554 common +
135 challenge); image paths are relative to IMAGE_ROOT.
"""
import argparse
import sys

from wingpose.datasets.converters import ConversionError, convert_splits
from wingpose.datasets.converters.w300 import records

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('image_root')
    parser.add_argument('out_dir')
    args = parser.parse_args()
    try:
        convert_splits(args.out_dir, '300w', {split: records(args.image_root, split)
                                              for split in ('train', 'test')})
    except ConversionError as error:
        sys.exit(f'error: {error}')
