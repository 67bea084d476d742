"""STAR's annotation files (ADNet's metadata, ``*.tsv``) -> MMPose COCO-style JSON.

    python tools/dataset_converters/star_to_coco.py \
        ANNOT_DIR/WFLW data/wflw/images data/wflw/annotations --prefix star_wflw

Every ``NAME.tsv`` in ANNOT_DIR (``train.tsv``, ``test.tsv``, ...) becomes
``OUT_DIR/PREFIX_NAME.json``, keeping the official crop centre and scale of each face (the
configs in ``configs/star`` read ``PREFIX_train.json`` and ``PREFIX_test.json``). IMAGE_ROOT is
the folder the metadata's image paths are relative to (STAR's ``image_dir/WFLW``, ``/300W``,
``/COFW``).
"""
import argparse
import glob
import os.path as osp
import sys

from wingpose.datasets.converters import ConversionError, convert_splits
from wingpose.datasets.converters.star import records

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('annot_dir', help='folder of STAR annotation files (*.tsv)')
    parser.add_argument('image_root', help='folder the image paths are relative to')
    parser.add_argument('out_dir')
    parser.add_argument('--prefix', required=True,
                        help='output name prefix, e.g. star_wflw, star_300w, star_cofw')
    args = parser.parse_args()
    files = sorted(glob.glob(osp.join(args.annot_dir, '*.tsv')))
    if not files:
        sys.exit(f'error: no *.tsv file in {args.annot_dir}')
    try:
        convert_splits(args.out_dir, args.prefix, {
            osp.splitext(osp.basename(path))[0]: records(path, args.image_root)
            for path in files})
    except ConversionError as error:
        sys.exit(f'error: {error}')
